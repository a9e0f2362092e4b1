"""Forms of the Q&A, the trial's log and the results report."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm, PortalModelForm

from .forms import DateInput
from .models import Kpi, Milestone, ResultsReport, Trial, TrialMeeting


class QuestionForm(PortalForm):
    body = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Questions and answers are public: every company sees them. "
            "Your company's name is shown only to the quest team."
        ),
    )


class AnswerForm(PortalForm):
    answer = forms.CharField(
        label=_("Public answer"),
        help_text=_("Published on the Q&A page: everyone who may see the quest reads it."),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResultsPublishForm(PortalForm):
    """The results page's buttons: publish (the default) or unpublish."""

    action = forms.ChoiceField(
        choices=[("publish", "publish"), ("unpublish", "unpublish")], required=False
    )


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class TrialForm(PortalModelForm):
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


class ResultsForm(PortalModelForm):
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
