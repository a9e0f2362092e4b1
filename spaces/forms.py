"""The space pages' forms. Every one derives from PortalForm / PortalModelForm, so the
portal's input rules (date window, no control characters, bounded integers) apply."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core import uploads
from cocreation.core.forms import PortalForm, PortalModelForm
from quests.models import Quest

from . import rules
from .models import END_OF_DAY, Booking, Closure, OpeningHours, Space

# Where a service refusal's message goes in the booking forms.
FIELD_FOR = {"date": "date", "starts_at": "start_time", "ends_at": "end_time", "kind": "kind",
             "quest": "quest", "last_date": "last_date", "reason": "reason"}  # fmt: skip


# How a closing or booking end at midnight (stored as 00:00, the end of the day) is written.
MIDNIGHT_TEXT = "24:00"
# What a person types for midnight as a closing time.
MIDNIGHT_INPUTS = {MIDNIGHT_TEXT, "24:00:00"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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
    kind = forms.ChoiceField(
        label=_("What to book"), choices=Booking.Kind.choices, widget=forms.RadioSelect,
        initial=Booking.Kind.SEAT,
    )  # fmt: skip
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
    needs approval again is the service's rule (services.booking_change)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quest"].disabled = True


class SeriesForm(_TimesMixin, PortalForm):
    kind = forms.ChoiceField(
        label=_("What to book"), choices=Booking.Kind.choices, widget=forms.RadioSelect,
        initial=Booking.Kind.WHOLE_ROOM,
    )  # fmt: skip
    first_date = forms.DateField(
        label=_("First date"), widget=DateInput(),
        help_text=_("The series repeats every week on this weekday."),
    )  # fmt: skip
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
    # services.booking_version() of the request as the page showed it.
    version = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "decide-%s")
        super().__init__(*args, **kwargs)


# A space photo: PNG or JPEG whose bytes say so, at most 5 MB.
PHOTO_MAX_BYTES = 5 * 1024 * 1024


class _PhotoCheck:
    def clean_photo(self):
        """A new upload must be a PNG or JPEG whose content matches its name
        (`cocreation.core.uploads.check_upload`); the stored photo is kept as it is."""
        photo = self.cleaned_data.get("photo")
        if photo and self.files.get(self.add_prefix("photo")) is photo:
            uploads.check_upload(photo, allowed=uploads.IMAGE, max_bytes=PHOTO_MAX_BYTES)
        return photo


class SpaceAdminForm(_PhotoCheck, PortalModelForm):
    """The admin's space form: the input rules, and the same photo check as the site."""


class SpaceRulesForm(_PhotoCheck, PortalModelForm):
    """The rules a coordinator edits on the site (the rest is in admin)."""

    class Meta:
        model = Space
        fields = [
            "description", "photo", "photo_alt", "capacity", "opens_on", "closes_on",
            "closed_on_public_holidays", "slot_minutes", "min_booking_minutes",
            "max_booking_minutes", "book_ahead_days", "cancel_hours_before",
            "whole_room_needs_approval", "is_active",
        ]  # fmt: skip
        widgets = {"opens_on": DateInput(), "closes_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}  # fmt: skip


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class RulesInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset that refuses a posted page whose rows do not match the space's
    rows: a row id that is missing, not a number or of another space, a new row carrying
    an id, or more existing rows announced than sent (`INITIAL_FORMS` tampered with, or a
    row deleted by someone else meanwhile). Django would otherwise skip such rows or add
    them again without a word."""

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        announced = self.management_form.cleaned_data.get("INITIAL_FORMS", 0)
        changed = announced > self.total_form_count() or any(
            form.instance.pk is None for form in self.initial_forms
        )
        changed = changed or any(
            (self.data.get(form.add_prefix(pk_name)) or "").strip() for form in self.extra_forms
        )
        if changed:
            raise ValidationError(
                _("These rows changed since the page was loaded. Reload the page and enter "
                  "your changes again."),
                code="rows_changed",
            )  # fmt: skip


class OpeningTimeField(forms.TimeField):
    """An opening time, 00:00 to 23:59. 24:00 is refused with its own message: it is only
    ever a closing time."""

    default_error_messages = {
        "invalid": _("Enter an opening time from 00:00 to 23:59, e.g. 10:00."),
        "midnight": _(
            "24:00 can only be a closing time; enter an opening time from 00:00 to 23:59."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip() in MIDNIGHT_INPUTS:
            raise ValidationError(self.error_messages["midnight"], code="midnight")
        return super().to_python(value)


class ClosingTimeField(forms.TimeField):
    """A closing time, 00:00 to 24:00: 24:00 (or 00:00) is midnight, stored as 00:00, the
    end of the day (`OpeningHours`), and always shown as 24:00. A browser's time control
    cannot hold 24:00, so the field is a short text box."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 5, "autocomplete": "off"})
    default_error_messages = {
        "invalid": _(
            "Enter a closing time from 00:00 to 24:00, e.g. 19:00 (24:00 is midnight, "
            "the end of the day)."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip() in MIDNIGHT_INPUTS:
            return END_OF_DAY
        return super().to_python(value)

    def prepare_value(self, value):
        if value == END_OF_DAY or (isinstance(value, str) and value.strip() in {"00:00", "0:00"}):
            return MIDNIGHT_TEXT
        if isinstance(value, dt.time):
            return rules.hhmm(value)
        return super().prepare_value(value)


class OpeningHoursForm(PortalModelForm):
    """One opening range, on the rules page and in the admin: 24:00 is a closing time."""

    opens_at = OpeningTimeField(label=_("opens at"), widget=TimeInput())
    closes_at = ClosingTimeField(
        label=_("closes at"), help_text=_("24:00 for a room that closes at midnight.")
    )

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]


OpeningHoursFormSet = forms.inlineformset_factory(
    Space, OpeningHours, form=OpeningHoursForm, formset=RulesInlineFormSet,
    fields=["weekday", "opens_at", "closes_at"], extra=2, can_delete=True,
    max_num=50, absolute_max=60, validate_max=True,
)  # fmt: skip
ClosureFormSet = forms.inlineformset_factory(
    Space, Closure, form=PortalModelForm, formset=RulesInlineFormSet,
    fields=["starts_on", "ends_on", "reason", "every_year"], extra=2, can_delete=True,
    max_num=200, absolute_max=210, validate_max=True,
    widgets={"starts_on": DateInput(), "ends_on": DateInput()},
)  # fmt: skip


class AffectedBookingsForm(PortalForm):
    """The rules page's confirm step: what happens to the live bookings a change of the
    rules leaves outside them. Posted with the rules themselves (prefix "affected"), so
    it works without JavaScript; `signature` is the digest of the set that was shown
    (`rules.affected_signature`), and a set changed since then is asked again."""

    CANCEL, KEEP = "cancel", "keep"

    signature = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    choice = forms.ChoiceField(
        label=_("What happens to these bookings"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (CANCEL, _("Cancel them and tell each booker why")),
            (KEEP, _("Keep them: they stay booked and show in the week view as exceptions")),
        ],
    )
    note = forms.CharField(
        label=_("Message to the bookers (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with the reason when they are cancelled."),
    )

    def keep(self) -> bool | None:
        """True to keep, False to cancel, None when no choice was made (a valid form)."""
        choice = self.cleaned_data.get("choice")
        return None if not choice else choice == self.KEEP


def proposed_rules(form: SpaceRulesForm, hours, closures) -> rules.RuleSet:
    """The rules as the valid rules page would save them: the space's fields from `form`,
    the rows of the `hours` and `closures` formsets without the deleted ones and the
    empty new ones. Nothing is written."""

    def rows(formset) -> list:
        deleted = {id(f) for f in formset.deleted_forms}
        return [
            f.instance
            for f in formset.forms
            if id(f) not in deleted and (f.instance.pk is not None or f.has_changed())
        ]

    return rules.RuleSet.of(form.instance, hours=rows(hours), closures=rows(closures))
