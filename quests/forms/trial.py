"""Forms of the trial: its plan, milestones, meetings and KPIs, and the results report."""

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cocreation.core.dates import fiscal_year
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.widgets import DateInput, TimeInput

from ..models import (
    Kpi,
    Milestone,
    ResultsReport,
    Trial,
    TrialMeeting,
    TrialTransition,
)


class TrialForm(PortalModelForm):
    """The trial's period and plan."""

    class Meta:
        model = Trial
        fields = ["starts_on", "ends_on", "plan"]
        labels = {"starts_on": _("Trial start"), "ends_on": _("Trial end"), "plan": _("Plan")}
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "plan": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The trial cannot end before it starts."))
        return cleaned


class MilestoneForm(PortalModelForm):
    """A milestone of the trial."""

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on", "note"]
        labels = {
            "title": _("Milestone"),
            "due_on": _("Due"),
            "done_on": _("Done on"),
            "note": _("Note"),
        }
        widgets = {"due_on": DateInput(), "done_on": DateInput(), "note": forms.TextInput}


class MeetingForm(PortalModelForm):
    """A meeting of the trial and its minutes."""

    class Meta:
        model = TrialMeeting
        fields = ["held_on", "starts_at", "ends_at", "place", "attendees", "minutes"]
        labels = {
            "held_on": _("Date"),
            "starts_at": _("Start time"),
            "ends_at": _("End time"),
            "place": _("Place"),
            "attendees": _("Attendees"),
            "minutes": _("Minutes"),
        }
        widgets = {
            "held_on": DateInput(),
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A meeting ends after it starts."))
        return cleaned


PUBLISHED_WITH_THE_RESULTS = _(
    "Public: anyone can read it on the quest's results page once the report is published."
)


NUMBER_RULE = _("A number of 0 or more, up to 12 digits and 2 decimals.")


class KpiForm(PortalModelForm):
    """A KPI of the trial. Its name, unit, target and actual are shown in the table of the
    public results page once the report is published; the form says so on each."""

    class Meta:
        model = Kpi
        fields = ["name", "unit", "baseline", "target", "actual", "note"]
        labels = {
            "name": _("Indicator"),
            "unit": _("Unit"),
            "baseline": _("Baseline"),
            "target": _("Target"),
            "actual": _("Actual"),
            "note": _("Note"),
        }
        help_texts = {
            "name": PUBLISHED_WITH_THE_RESULTS,
            "unit": PUBLISHED_WITH_THE_RESULTS,
            "baseline": NUMBER_RULE,
            "target": format_lazy("{} {}", NUMBER_RULE, PUBLISHED_WITH_THE_RESULTS),
            "actual": format_lazy("{} {}", NUMBER_RULE, PUBLISHED_WITH_THE_RESULTS),
        }
        widgets = {"note": forms.TextInput}


# The form of each of the trial's items (models.TRIAL_ITEMS).
TRIAL_ITEM_FORMS = {"milestone": MilestoneForm, "meeting": MeetingForm, "kpi": KpiForm}


class ResultsForm(PortalModelForm):
    """The results report; every part of it is published with the report."""

    class Meta:
        model = ResultsReport
        fields = ["what_was_done", "outcomes", "lessons", "reuse_requirements"]
        labels = {
            "what_was_done": _("What was done"),
            "outcomes": _("Outcomes"),
            "lessons": _("Lessons learned"),
            "reuse_requirements": _("What another municipality needs to reuse it"),
        }
        help_texts = {name: PUBLISHED_WITH_THE_RESULTS for name in fields}
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class ResultsPublishForm(PortalForm):
    """The results page's buttons: publish (the default) or unpublish."""

    UNPUBLISH = "unpublish"

    action = forms.ChoiceField(
        choices=[("publish", "publish"), (UNPUBLISH, "unpublish")], required=False
    )


class TransitionForm(PortalModelForm):
    """What follows the trial in one fiscal year. Everything but a non-public amount is
    shown on the quest's public pages; the form says so. The budget fields count only
    for an adoption and are dropped for the other outcomes."""

    BUDGET_FIELDS = ("budget_line", "amount_yen", "amount_public", "procurement")

    class Meta:
        model = TrialTransition
        fields = [
            "fiscal_year",
            "outcome",
            "budget_line",
            "amount_yen",
            "amount_public",
            "procurement",
            "reason",
        ]
        labels = {
            "fiscal_year": _("Fiscal year"),
            "outcome": _("What happens next"),
            "budget_line": _("Budget line"),
            "amount_yen": _("Amount (yen)"),
            "amount_public": _("Publish the amount"),
            "procurement": _("Procurement method"),
            "reason": _("Reason"),
        }
        help_texts = {
            "fiscal_year": _(
                "The year the fiscal year starts in: 2025 for 2025年度 (April 2025 to March 2026)."
            ),
            "outcome": _("Public on the quest page and its results page."),
            "budget_line": _("For an adoption: the budget item it is paid from. Public."),
            "amount_yen": _(
                "For an adoption: whole yen. Shown publicly only when you tick the box below."
            ),
            "amount_public": _("Unticked, only those who manage the trial see the amount."),
            "reason": _("Required when it is not continued. Public."),
        }
        widgets = {
            "outcome": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("fiscal_year", fiscal_year(timezone.localdate()))
        # A radio list needs no empty choice: nothing ticked is "not chosen".
        self.fields["outcome"].choices = TrialTransition.Outcome.choices
        self.fields["procurement"].choices = [
            ("", _("Not decided")),
            *TrialTransition.Procurement.choices,
        ]

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == TrialTransition.Outcome.NOT_CONTINUED and not cleaned.get("reason"):
            self.add_error("reason", _("Say why it is not continued."))
        if outcome and outcome != TrialTransition.Outcome.ADOPTED:
            # Typed before the outcome changed: not part of this outcome's record.
            cleaned.update(budget_line="", amount_yen=None, amount_public=False, procurement="")
            for name in self.BUDGET_FIELDS:
                setattr(self.instance, name, cleaned[name])
        return cleaned
