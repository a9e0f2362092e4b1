"""Forms of the study-group pages; all derive from the portal's base forms, so that the
input rules of `cocreation.core.inputs` (date window, clean text, bounded integers) apply."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core import inputs, uploads
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.organisations.models import Organisation
from cocreation.templatetags.portal import jdate
from quests.forms import DateInput

from .models import Deliverable, Field, Member, Outcome, Session, Team


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ApplicationForm(PortalForm):
    organisation = forms.ModelChoiceField(
        label=_("Your municipality"), queryset=Organisation.objects.none(), empty_label=None
    )
    department = forms.CharField(label=_("Department (所属)"), max_length=200)
    position = forms.CharField(label=_("Position (職名)"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(), required=False,
        validators=[inputs.validate_birth_date],
        help_text=_("Used only to check the age limit on April 1."),
    )  # fmt: skip
    preferred_fields = forms.ModelMultipleChoiceField(
        label=_("Fields you would like to research"), queryset=Field.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )

    def __init__(self, *args, cohort, municipalities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )
        self.fields["preferred_fields"].queryset = cohort.fields.all()
        self.fields["department"].initial = user.department
        self.fields["position"].initial = user.position
        if cohort.age_limit is not None:
            self.fields["birth_date"].required = True


class ApplicationDecisionForm(PortalForm):
    """A coordinator's decision on one application: the member's id (a hidden field of the
    row) and `accept` or `decline` (the button pressed). Anything else is refused, so that
    a request without a decision never declines an application."""

    member = forms.IntegerField(min_value=1, max_value=inputs.BIGINT_MAX, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )


class ArchiveSearchForm(PortalForm):
    """The archive's keyword (`q` of the address). A keyword over 200 characters or with
    control characters is refused, not cut: the page then searches nothing and says so."""

    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)


class MemberTeamForm(PortalForm):
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


class SessionForm(PortalModelForm):
    online_url = forms.URLField(
        label=_("Online meeting or streaming link"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Session
        fields = ["kind", "title", "team", "phase", "starts_at", "ends_at", "place", "online_url",
                  "lecturer", "content"]  # fmt: skip
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                   "content": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")
        self.fields["phase"].queryset = cohort.phases.all()


class SeriesForm(PortalForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("The whole cohort"))  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=200, initial="班会議（ウェブ）")
    first_start = forms.DateTimeField(label=_("First session starts"), widget=DateTimeInput())
    hours = forms.DecimalField(label=_("Length (hours)"), min_value=0.5, max_value=8, initial=2)
    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=52, initial=10)
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")

    def clean(self):
        """The last session must end inside the date window too: counted by arithmetic
        (weeks are bounded to 52 by the field), before any session is made."""
        data = super().clean()
        first, hours, weeks = data.get("first_start"), data.get("hours"), data.get("weeks")
        if first is not None and hours is not None and weeks is not None:
            last_end = first + dt.timedelta(weeks=weeks - 1, hours=float(hours))
            try:
                inputs.validate_date(last_end)
            except forms.ValidationError:
                self.add_error(
                    "weeks",
                    _("The last session would fall on %(date)s, after %(last)s. "
                      "Choose fewer weeks or an earlier start.")
                    % {"date": jdate(timezone.localtime(last_end).date()),
                       "last": inputs.window_params()["last"]},
                )  # fmt: skip
        return data


class MoveForm(PortalForm):
    starts_at = forms.DateTimeField(label=_("New start"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("New end"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data


class SurveyForm(PortalForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was this session? (5 = very)"), coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=_("What did you learn, what would you change?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=_(
            "The cohort's coordinators read it on the session page without your name; "
            "site administrators can see who wrote it."
        ),
    )  # fmt: skip


class UploadForm(PortalForm):
    """A new version of a team's deliverable: one PDF with an optional title and summary."""

    MAX_BYTES = 20 * 1024 * 1024

    file = forms.FileField(label=_("PDF file"), help_text=_("PDF only, up to 20 MB."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def clean_file(self):
        """PDF by extension and by content, at most `MAX_BYTES` (uploads.check_upload)."""
        upload = self.cleaned_data["file"]
        uploads.check_upload(upload, allowed=uploads.PDF, max_bytes=self.MAX_BYTES)
        return upload


class DeliverableForm(PortalModelForm):
    class Meta:
        model = Deliverable
        fields = ["kind", "title", "phase", "due_at"]
        labels = {"phase": _("phase")}
        widgets = {"due_at": DateTimeInput()}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = cohort.phases.all()


class CommentForm(PortalForm):
    body = forms.CharField(label=_("Comment (講評)"), widget=forms.Textarea(attrs={"rows": 3}))


PUBLIC_IN_ARCHIVE = _(
    "Made public: once the cohort's outcomes are published, anyone can read this in the "
    "outcome archive, without signing in."
)


class OutcomeForm(PortalModelForm):
    """A team's outcome; every field is shown to anyone in the public archive."""

    class Meta:
        model = Outcome
        fields = ["proposal_title", "summary", "implemented"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}),
                   "implemented": forms.Textarea(attrs={"rows": 3})}  # fmt: skip
        help_texts = {name: PUBLIC_IN_ARCHIVE for name in fields}


class ScheduleFilterForm(PortalForm):
    """Which sessions the schedule lists: a team's (with the whole cohort's), and when."""

    team = forms.ChoiceField(label=_("Team"), required=False)
    period = forms.ChoiceField(
        label=_("Period"), required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
    )  # fmt: skip

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            ("", _("All teams")),
            ("cohort", _("Whole-cohort sessions only")),
            *[(str(team.pk), str(team)) for team in cohort.teams.select_related("field")],
        ]


class PresentationOrderForm(PortalForm):
    """The order of presentations at a report meeting: for each team `order-<team id>`
    (1 to `MAX_ORDER`, empty: the team does not present) and `title-<team id>`."""

    MAX_ORDER = 50

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        for team in self.teams:
            self.fields[f"order-{team.pk}"] = forms.IntegerField(
                label=_("Order of %(team)s") % {"team": team},
                min_value=1, max_value=self.MAX_ORDER, required=False,
            )  # fmt: skip
            self.fields[f"title-{team.pk}"] = forms.CharField(
                label=_("Presentation title of %(team)s") % {"team": team},
                max_length=200, required=False,
            )  # fmt: skip

    def rows(self) -> list[tuple[int, int, str]]:
        """(team id, order, title) for the teams given an order; call after is_valid()."""
        return [
            (team.pk, order, self.cleaned_data[f"title-{team.pk}"])
            for team in self.teams
            if (order := self.cleaned_data.get(f"order-{team.pk}")) is not None
        ]

    def table(self) -> list[tuple]:
        """(team, order field, title field) per team, bound fields for the template."""
        return [(team, self[f"order-{team.pk}"], self[f"title-{team.pk}"]) for team in self.teams]
