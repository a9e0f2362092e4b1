"""Forms of the staged selection: the stages' dates, a stage result, an interview slot and
its booking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.widgets import DateInput, TimeInput

from ..models import InterviewSlot, SelectionStage, StageResult


class StagesForm(PortalForm):
    """The dates of every stage of the selection, in order: for each kind of
    SelectionStage, `<kind>_starts_on`, `<kind>_ends_on` and `<kind>_note`; a stage left
    without a date is not part of the selection."""

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        existing = {stage.kind: stage for stage in stages}
        for kind, label in SelectionStage.Kind.choices:
            stage = existing.get(kind)
            self.fields[f"{kind}_starts_on"] = forms.DateField(
                label=_("%(stage)s: date") % {"stage": label},
                required=False,
                widget=DateInput(),
                initial=stage.starts_on if stage else None,
            )
            self.fields[f"{kind}_ends_on"] = forms.DateField(
                label=_("%(stage)s: until (for a stage of several days)") % {"stage": label},
                required=False,
                widget=DateInput(),
                initial=stage.ends_on if stage else None,
            )
            self.fields[f"{kind}_note"] = forms.CharField(
                label=_("%(stage)s: public note") % {"stage": label},
                required=False,
                max_length=200,
                initial=stage.note if stage else "",
            )

    def clean(self):
        cleaned = super().clean()
        for kind in SelectionStage.Kind.values:
            starts, ends = cleaned.get(f"{kind}_starts_on"), cleaned.get(f"{kind}_ends_on")
            if ends and not starts and f"{kind}_starts_on" not in self.errors:
                self.add_error(f"{kind}_starts_on", _("Give the date the stage starts."))
            elif starts and ends and ends < starts:
                self.add_error(f"{kind}_ends_on", _("A stage cannot end before it starts."))
        return cleaned

    def groups(self) -> list[tuple[str, list]]:
        """(stage label, [its three bound fields]) in the order of the selection."""
        return [
            (label, [self[f"{kind}_{part}"] for part in ("starts_on", "ends_on", "note")])
            for kind, label in SelectionStage.Kind.choices
        ]

    def rows(self) -> dict[str, dict]:
        """The rows as services.selection.stages_update takes them."""
        data = self.cleaned_data
        return {
            kind: {
                "starts_on": data.get(f"{kind}_starts_on"),
                "ends_on": data.get(f"{kind}_ends_on"),
                "note": data.get(f"{kind}_note", ""),
            }
            for kind in SelectionStage.Kind.values
        }


class StageResultForm(PortalForm):
    """Whether one proposal passes one screening stage, with the reason when it does not
    (told to the company)."""

    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=SelectionStage.objects.none(), widget=forms.HiddenInput
    )
    outcome = forms.ChoiceField(
        label=_("Result"), choices=StageResult.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (told to the company; required when the proposal does not pass)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, quest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = SelectionStage.objects.filter(
            quest=quest, kind__in=SelectionStage.SCREENINGS
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == StageResult.Outcome.NOT_PASSED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give the reason the proposal does not pass."))
        return cleaned


class InterviewSlotForm(PortalModelForm):
    """A time offered for the interview (JST), online or on site."""

    online_url = forms.URLField(
        label=_("Online meeting address"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = InterviewSlot
        fields = ["held_on", "starts_at", "ends_at", "online_url", "place"]
        labels = {
            "held_on": _("Date"),
            "starts_at": _("Start time (JST)"),
            "ends_at": _("End time (JST)"),
            "online_url": _("Online meeting address"),
            "place": _("Place (on site)"),
        }
        help_texts = {
            "place": _(
                "For an interview on site, book a room of a space for the quest and name it "
                "here; the booking is shown beside the slot."
            ),
        }
        widgets = {"held_on": DateInput(), "starts_at": TimeInput(), "ends_at": TimeInput()}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("An interview ends after it starts."))
        if (
            "online_url" not in self.errors
            and "place" not in self.errors
            and not (cleaned.get("online_url") or "").strip()
            and not (cleaned.get("place") or "").strip()
        ):
            self.add_error("place", _("Give an online meeting address or a place."))
        return cleaned


class SlotBookingForm(PortalForm):
    """The proposal a slot is booked for (one of the person's company's proposals)."""

    proposal = forms.IntegerField(label=_("Proposal"), min_value=1, widget=forms.HiddenInput)
