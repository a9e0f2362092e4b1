"""Forms with which coordinators start a cohort and keep its settings."""

from __future__ import annotations

import operator
from functools import reduce

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core import inputs
from cocreation.core.dates import fiscal_year
from cocreation.core.forms import PortalModelForm
from cocreation.core.formsets import RowsInStep
from cocreation.core.widgets import DateInput
from cocreation.organisations.forms import OrganisationField, organisation_choice
from cocreation.organisations.models import Organisation

from ..models import Cohort, Field, Phase, Programme, Submission, Team


def current_fiscal_year(today=None) -> int:
    """The fiscal year (April to March) of `today` (default: the local date), named by the
    year in which it begins."""
    return fiscal_year(today or timezone.localdate())


class UserEmailsField(forms.CharField):
    """Accounts named by their email addresses, one per line (or separated by commas), at
    most `MAX_EMAILS`. Control characters are refused before the lookup, since PostgreSQL
    refuses a NUL in a query. Cleans to a list of users; raises ValidationError naming the
    addresses without an account."""

    widget = forms.Textarea(attrs={"rows": 3})
    MAX_EMAILS = 100

    def to_python(self, value):
        text = super().to_python(value)
        inputs.validate_multiline(text)
        emails = [e.strip() for e in text.replace(",", "\n").splitlines() if e.strip()]
        if not emails:
            return []
        if len(emails) > self.MAX_EMAILS:
            raise forms.ValidationError(
                _("List at most %(count)d email addresses."), params={"count": self.MAX_EMAILS}
            )
        too_long = [e for e in emails if len(e) > 254]
        if too_long:
            raise forms.ValidationError(
                _("An email address has at most 254 characters: %(emails)s"),
                params={"emails": "、".join(e[:40] + "…" for e in too_long)},
            )
        matches = reduce(operator.or_, (Q(email__iexact=e) for e in emails))
        users = {u.email.lower(): u for u in get_user_model().objects.filter(matches)}
        unknown = [e for e in emails if e.lower() not in users]
        if unknown:
            raise forms.ValidationError(
                _("No account uses %(emails)s. The person must sign up first."),
                params={"emails": "、".join(unknown)},
            )
        return list({u.pk: u for u in users.values()}.values())


def _emails(users) -> str:
    return "\n".join(u.email for u in users)


def _members_of_regions_of(organisations):
    """Ids (a subquery) of the members of the regions `organisations` (ids, or a queryset
    of organisations) belong to: subqueries rather than a join, which needed DISTINCT."""
    through = Organisation.regions.through.objects
    regions = through.filter(organisation_id__in=organisations).values("region_id")
    return through.filter(region_id__in=regions).values("organisation_id")


class CohortSettingsForm(PortalModelForm):
    """A cohort's details, participants, coordinators and reviewers (by e-mail address) and
    publication, as its settings page edits them (the lists are formsets beside it)."""

    coordinator_emails = UserEmailsField(
        label=_("Coordinators (email addresses)"),
        required=False,
        help_text=_("One per line. Coordinators of the organiser's regions run the cohort too."),
    )
    reviewer_emails = UserEmailsField(
        label=_("Senior staff and lecturers who review (email addresses)"),
        required=False,
        help_text=_("One per line. They comment (講評) on the teams' reports."),
    )

    class Meta:
        model = Cohort
        fields = [
            "title",
            "theme",
            "size",
            "age_limit",
            "organisations",
            "recruitment_opens",
            "recruitment_closes",
            "lecturers",
            "is_published",
        ]
        widgets = {
            "theme": forms.Textarea(attrs={"rows": 3}),
            "lecturers": forms.Textarea(attrs={"rows": 3}),
            "organisations": forms.CheckboxSelectMultiple,
            "recruitment_opens": DateInput(),
            "recruitment_closes": DateInput(),
        }
        help_texts = {
            "is_published": _("Show the teams' outcomes on the cohort page and in the archive."),
            "title": _(
                "Made public with the outcomes: shown in the outcome archive, which anyone "
                "can read, once the outcomes are published."
            ),
        }

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        # Participants: the municipalities of the organisers' regions (and any chosen before).
        chosen = (
            list(self.instance.organisations.values_list("pk", flat=True))
            if (self.instance.pk)
            else []
        )
        field = self.fields["organisations"]
        # Checkboxes for a region's municipalities; typed for a site admin's 1,741.
        self.fields["organisations"] = organisation_choice(
            Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).filter(
                Q(pk__in=organisers)
                | Q(pk__in=_members_of_regions_of(organisers))
                | Q(pk__in=chosen)
            ),
            multiple=True,
            select={"widget": forms.CheckboxSelectMultiple, "help_text": field.help_text},
            label=field.label,
            required=field.required,
        )
        if self.instance.pk:
            self.fields["coordinator_emails"].initial = _emails(self.instance.coordinators.all())
            self.fields["reviewer_emails"].initial = _emails(self.instance.reviewers.all())

    def details(self) -> dict:
        """The cohort's own columns as cleaned (every field of the form but the
        participants and the people); call after is_valid()."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields if name != "organisations"
        }


class CohortStartForm(CohortSettingsForm):
    """A new cohort: of an existing programme or a new one, for a fiscal year, maybe copying
    the previous cohort's structure; its details as in the settings."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("A new programme"),
    )
    new_programme_name = forms.CharField(
        label=_("Name of the new programme"),
        max_length=200,
        required=False,
        help_text=_("Only when starting a new programme, e.g. チャレンジ「新発想」研究塾."),
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser of the new programme"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year (April to March)"),
        min_value=2000,
        max_value=2100,
        help_text=_("The year in which the fiscal year begins: 2020 is April 2020 to March 2021."),
    )
    copy_previous = forms.BooleanField(
        label=_("Copy the fields, phases, teams and deliverables of the previous cohort"),
        required=False,
        initial=True,
        help_text=_("Dates move forward by the years between the cohorts; edit them afterwards."),
    )

    field_order = ["programme", "new_programme_name", "organiser", "fiscal_year", "title"]

    class Meta(CohortSettingsForm.Meta):
        fields = [f for f in CohortSettingsForm.Meta.fields if f != "is_published"]

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, organisers=organisers, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(
            organiser__in=organisers
        ).order_by("name")
        field = self.fields["organiser"]
        self.fields["organiser"] = organisation_choice(
            organisers, typed=OrganisationField, label=field.label, required=False
        )
        self.fields["fiscal_year"].initial = current_fiscal_year() + 1

    def clean(self):
        data = super().clean()
        if data.get("programme") is None:
            if not data.get("new_programme_name"):
                self.add_error(
                    "new_programme_name",
                    _("Choose a programme or give the name of a new one."),
                )
            if not data.get("organiser") and "organiser" not in self.errors:
                self.add_error("organiser", _("Choose the organisation that runs the programme."))
        return data


class ProgrammeForm(PortalModelForm):
    """The programme's name and description, shared by all its years."""

    class Meta:
        model = Programme
        fields = ["name", "description"]
        labels = {"name": _("Programme name")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class _CohortRows(RowsInStep, forms.BaseInlineFormSet):
    """A cohort's rows (fields, phases, teams), refusing a tampered or stale page
    (cocreation.core.formsets.RowsInStep)."""


class _RefuseDeleting(_CohortRows):
    """Refuse to delete rows that other records still need, with the reason on the row.
    Subclasses say why a row is in use; by default nothing needs it."""

    def in_use(self, instance) -> str | None:
        return None

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and (reason := self.in_use(form.instance)):
                form.add_error(None, reason)
                raise forms.ValidationError(reason)


class _FieldRows(_RefuseDeleting):
    def in_use(self, instance):
        if instance.teams.exists():
            return _("%(field)s has teams: move or remove them first.") % {"field": instance}
        return None


class _TeamRows(_RefuseDeleting):
    def in_use(self, instance):
        if instance.members.exists() or Submission.objects.filter(team=instance).exists():
            return _("%(team)s has members or reports and cannot be removed.") % {"team": instance}
        return None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["field"].queryset = self.instance.fields.all()


PUBLIC_WITH_OUTCOMES = _("Made public with the outcomes, in the outcome archive.")

FieldFormSet = forms.inlineformset_factory(
    Cohort,
    Field,
    form=PortalModelForm,
    formset=_FieldRows,
    fields=["name", "description", "position"],
    extra=2,
    can_delete=True,
    help_texts={"name": PUBLIC_WITH_OUTCOMES},
)
PhaseFormSet = forms.inlineformset_factory(
    Cohort,
    Phase,
    form=PortalModelForm,
    formset=_CohortRows,
    fields=["name", "starts_on", "ends_on"],
    extra=2,
    can_delete=True,
    widgets={"starts_on": DateInput(), "ends_on": DateInput()},
)
TeamFormSet = forms.inlineformset_factory(
    Cohort,
    Team,
    form=PortalModelForm,
    formset=_TeamRows,
    fields=["number", "name", "field", "max_size"],
    extra=2,
    can_delete=True,
    help_texts={"name": PUBLIC_WITH_OUTCOMES},
)
