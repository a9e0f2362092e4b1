"""The booking forms: one booking, a change of it, a weekly series, a cancellation's reason
and a coordinator's decision. A service refusal reaches them through `add_to_form`: its
field names are these forms' fields (`spaces.errors.BookingError`)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput
from quests.models import Quest

from .. import rules
from ..models import END_OF_DAY, Booking, Space

# How a closing or booking end at midnight (stored as 00:00, the end of the day) is written.
MIDNIGHT_TEXT = "24:00"
# What a person types for midnight as a closing time.
MIDNIGHT_INPUTS = {MIDNIGHT_TEXT, "24:00:00"}


def time_choices(space: Space) -> list[tuple[str, str]]:
    """Every time on the space's grid between its earliest opening and latest closing,
    as "HH:MM"; a room closing at midnight offers "24:00" last (`OpeningHours`)."""
    hours = list(space.opening_hours.all())
    first = min((rules.minutes_of(h.opens_at) for h in hours), default=9 * 60)
    last = max((rules.minutes_of(h.closes_at, closing=True) for h in hours), default=18 * 60)
    return [
        (f"{minutes // 60:02d}:{minutes % 60:02d}",) * 2
        for minutes in range(first, last + 1, space.slot_minutes)
    ]


class _TimesMixin:
    def _setup_times(self, space: Space, user):
        choices = time_choices(space)
        self.fields["start_time"].choices = choices[:-1]
        self.fields["end_time"].choices = choices[1:]
        # A booking until midnight ends at the next day's 00:00, which the list says 24:00.
        if self.initial.get("end_time") == "00:00":
            self.initial["end_time"] = MIDNIGHT_TEXT
        quests = Quest.objects.filter(team__user=user).exclude(
            state__in=[Quest.State.COMPLETED, Quest.State.CANCELLED]
        )
        self.fields["quest"].queryset = quests
        if not quests.exists():
            self.fields["quest"].widget = forms.HiddenInput()

    @staticmethod
    def _aware(day, time_text):
        if time_text == MIDNIGHT_TEXT:
            return rules.end_at(day, END_OF_DAY)
        time = dt.time.fromisoformat(time_text)
        return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class BookingForm(_TimesMixin, PortalForm):
    """A booking's kind, date, times (on the space's grid), purpose and quest; clean()
    adds the aware "starts_at" and "ends_at" the service takes."""

    kind = forms.ChoiceField(
        label=_("What to book"),
        choices=Booking.Kind.choices,
        widget=forms.RadioSelect,
        initial=Booking.Kind.SEAT,
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.ChoiceField(label=_("From"))
    end_time = forms.ChoiceField(label=_("Until"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    quest = forms.ModelChoiceField(
        label=_("For the quest (optional)"), queryset=Quest.objects.none(), required=False
    )

    def __init__(self, *args, space: Space, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self._setup_times(space, user)

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            cleaned["starts_at"] = self._aware(day, start)
            cleaned["ends_at"] = self._aware(day, end)
        return cleaned


class BookingChangeForm(BookingForm):
    """A booking's new date, times, kind and purpose (its quest stays). Whether the change
    needs approval again is the service's rule (services.bookings.booking_change)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quest"].disabled = True


class SeriesForm(_TimesMixin, PortalForm):
    """A weekly series: kind, first and last date, times, purpose and quest; clean() adds
    the local "start" and "end" times the series services take (24:00 as 00:00)."""

    kind = forms.ChoiceField(
        label=_("What to book"),
        choices=Booking.Kind.choices,
        widget=forms.RadioSelect,
        initial=Booking.Kind.WHOLE_ROOM,
    )
    first_date = forms.DateField(
        label=_("First date"),
        widget=DateInput(),
        help_text=_("The series repeats every week on this weekday."),
    )
    last_date = forms.DateField(label=_("Last date"), widget=DateInput())
    start_time = forms.ChoiceField(label=_("From"))
    end_time = forms.ChoiceField(label=_("Until"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    quest = forms.ModelChoiceField(
        label=_("For the quest (optional)"), queryset=Quest.objects.none(), required=False
    )

    def __init__(self, *args, space: Space, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_times(space, user)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_date"), cleaned.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", _("The last date must not be before the first."))
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end:
            cleaned["start"] = dt.time.fromisoformat(start)
            # 24:00 is kept as 00:00, the end of the day (`rules.end_at`).
            cleaned["end"] = END_OF_DAY if end == MIDNIGHT_TEXT else dt.time.fromisoformat(end)
        return cleaned


class ReasonForm(PortalForm):
    """The optional reason of a cancellation, shown on the booking to its booker and the
    space's coordinators (and sent to the booker when a coordinator cancels)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Shown on the booking to the booker and the space's coordinators; sent to the "
            "booker when a coordinator cancels."
        ),
    )


class DecideForm(PortalForm):
    """A coordinator's decision on a pending whole-room booking (the service checks that a
    decline has a reason)."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason (required when declining; sent to the booker)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # services.approval.booking_version() of the request as the page showed it.
    version = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "decide-%s")
        super().__init__(*args, **kwargs)
