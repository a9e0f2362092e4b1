"""Forms of the teams page: one member's team and roles, and a proposal of teams."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core import inputs
from cocreation.core.forms import PortalForm

from ..models import Member, Team


class MemberTeamForm(PortalForm):
    """One member's team, role in the team (none: a plain member) and role in the cohort;
    the page shows one per member, prefixed m<member id>."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    team_role = forms.ChoiceField(
        label=_("Role in the team"), choices=Member.TeamRole.choices, required=False
    )
    cohort_role = forms.ChoiceField(
        label=_("Role in the cohort"), choices=Member.CohortRole.choices, required=False
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")

    def clean_team_role(self) -> str:
        """A member put in a team without a role is a plain member."""
        return self.cleaned_data["team_role"] or Member.TeamRole.MEMBER


class MemberIdsField(forms.Field):
    """Member ids ticked in a list of checkboxes: each ASCII or full-width digits within
    PostgreSQL's bigint (`inputs.query_int`); anything else refuses the whole list."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = [inputs.query_int(v, maximum=inputs.BIGINT_MAX) for v in values]
        if None in ids:
            raise forms.ValidationError(
                forms.IntegerField.default_error_messages["invalid"], code="invalid"
            )
        return ids


class TeamPlanForm(PortalForm):
    """A proposal of teams as confirmed: for each team of the cohort, `team-<team id>`
    lists the ids of the members placed in it."""

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        for team in self.teams:
            self.fields[f"team-{team.pk}"] = MemberIdsField(label=str(team), required=False)

    def plan(self) -> dict[int, list[int]]:
        """{team id: member ids}; call after is_valid()."""
        return {team.pk: self.cleaned_data[f"team-{team.pk}"] for team in self.teams}
