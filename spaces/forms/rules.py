"""The rules forms: the coordinators' rules page (the space's booking rules, opening
hours, closures, and what happens to bookings a change leaves outside them) and the
admin's space form. They only parse: `services.rules.space_rules_change` weighs and
saves, from the plain rows `rule_values` and `rule_rows` give."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cocreation.core import dates, uploads
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.formsets import RowsInStep
from cocreation.core.widgets import DateInput, TimeInput

from ..models import END_OF_DAY, Closure, OpeningHours, Space
from .bookings import MIDNIGHT_INPUTS, MIDNIGHT_TEXT

# A space photo: PNG or JPEG whose bytes say so, at most 5 MB.
PHOTO_MAX_BYTES = 5 * 1024 * 1024


class _PhotoCheck:
    """The photo rule of the site's and the admin's space forms."""

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
            "description",
            "photo",
            "photo_alt",
            "capacity",
            "opens_on",
            "closes_on",
            "closed_on_public_holidays",
            "slot_minutes",
            "min_booking_minutes",
            "max_booking_minutes",
            "book_ahead_days",
            "cancel_hours_before",
            "whole_room_needs_approval",
            "is_active",
        ]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class RulesInlineFormSet(RowsInStep, forms.BaseInlineFormSet):
    """The rules page's rows of a space (opening hours, closures): a page whose rows are
    out of step with the space's saved rows is refused as a whole
    (`cocreation.core.formsets.RowsInStep`)."""


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
            return dates.clock(value)
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
    Space,
    OpeningHours,
    form=OpeningHoursForm,
    formset=RulesInlineFormSet,
    fields=["weekday", "opens_at", "closes_at"],
    extra=2,
    can_delete=True,
    max_num=50,
    absolute_max=60,
    validate_max=True,
)
ClosureFormSet = forms.inlineformset_factory(
    Space,
    Closure,
    form=PortalModelForm,
    formset=RulesInlineFormSet,
    fields=["starts_on", "ends_on", "reason", "every_year"],
    extra=2,
    can_delete=True,
    max_num=200,
    absolute_max=210,
    validate_max=True,
    widgets={"starts_on": DateInput(), "ends_on": DateInput()},
)


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


def rule_values(form: SpaceRulesForm) -> dict:
    """The space's own fields of a valid rules form, by name (a new photo as the uploaded
    file, False to remove it), as `services.rules.space_rules_change` takes them."""
    return {name: form.cleaned_data[name] for name in form._meta.fields}


def rule_rows(formset) -> list[dict]:
    """The rows of a valid hours or closures formset as they will be, as plain values:
    {"id": the saved row's id or None, field: value, …} without the deleted rows and the
    empty new ones. Nothing is written."""
    # Django adds the space (the inline's foreign key) to the form's fields.
    names = [name for name in formset.form._meta.fields if name != formset.fk.name]
    deleted = {id(form) for form in formset.deleted_forms}
    return [
        {"id": form.instance.pk, **{name: form.cleaned_data[name] for name in names}}
        for form in formset.forms
        if id(form) not in deleted and (form.instance.pk is not None or form.has_changed())
    ]
