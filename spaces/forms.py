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

from .models import Booking, Closure, OpeningHours, Space

# Where a service refusal's message goes in the booking forms.
FIELD_FOR = {"date": "date", "starts_at": "start_time", "ends_at": "end_time", "kind": "kind",
             "quest": "quest", "last_date": "last_date", "reason": "reason"}  # fmt: skip


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def time_choices(space: Space) -> list[tuple[str, str]]:
    """Every time on the space's grid between its earliest opening and latest closing."""
    hours = list(space.opening_hours.all())
    first = min((h.opens_at for h in hours), default=dt.time(9))
    last = max((h.closes_at for h in hours), default=dt.time(18))
    step = dt.timedelta(minutes=space.slot_minutes)
    cursor = dt.datetime.combine(dt.date(2000, 1, 1), first)
    end = dt.datetime.combine(dt.date(2000, 1, 1), last)
    choices = []
    while cursor <= end:
        choices.append((cursor.strftime("%H:%M"), cursor.strftime("%H:%M")))
        cursor += step
    return choices


class _TimesMixin:
    def _setup_times(self, space: Space, user):
        choices = time_choices(space)
        self.fields["start_time"].choices = choices[:-1]
        self.fields["end_time"].choices = choices[1:]
        quests = Quest.objects.filter(team__user=user).exclude(
            state__in=[Quest.State.COMPLETED, Quest.State.CANCELLED]
        )
        self.fields["quest"].queryset = quests
        if not quests.exists():
            self.fields["quest"].widget = forms.HiddenInput()

    @staticmethod
    def _aware(day, time_text):
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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].disabled = True
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
            cleaned["end"] = dt.time.fromisoformat(end)
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


OpeningHoursFormSet = forms.inlineformset_factory(
    Space, OpeningHours, form=PortalModelForm, formset=RulesInlineFormSet,
    fields=["weekday", "opens_at", "closes_at"], extra=2, can_delete=True,
    max_num=50, absolute_max=60, validate_max=True,
    widgets={"opens_at": TimeInput(), "closes_at": TimeInput()},
)  # fmt: skip
ClosureFormSet = forms.inlineformset_factory(
    Space, Closure, form=PortalModelForm, formset=RulesInlineFormSet,
    fields=["starts_on", "ends_on", "reason", "every_year"], extra=2, can_delete=True,
    max_num=200, absolute_max=210, validate_max=True,
    widgets={"starts_on": DateInput(), "ends_on": DateInput()},
)  # fmt: skip
