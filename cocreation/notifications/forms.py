"""What a person sends to the notification pages, parsed by forms (never `int()` on raw
input: '²' passes `str.isdigit()`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.core.inputs import BIGINT_MAX, query_int

from .models import Notification


class NotificationChoiceField(forms.ModelMultipleChoiceField):
    """Notification ids: each must be a positive ASCII number within `bigint` before the
    database is asked, and one of the queryset's rows."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if any(query_int(str(item), maximum=BIGINT_MAX) is None for item in values):
            raise forms.ValidationError(_("Choose notifications from the list."), code="invalid")
        return super().clean(value)


class MarkReadForm(PortalForm):
    """Which of the person's own notifications to mark read.

    An id that is not a number or not one of the person's notifications makes the form
    invalid, so that a tampered request changes nothing. (The view treats a POST
    without any `id` as "all".)
    """

    id = NotificationChoiceField(queryset=Notification.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id"].queryset = Notification.objects.filter(recipient=user)

    @property
    def chosen_ids(self) -> list[int] | None:
        """The ids of the (valid) form's notifications, or None for "all" (no `id` sent)."""
        if "id" not in self.data:
            return None
        return [notification.pk for notification in self.cleaned_data["id"]]


class NotificationListForm(PortalForm):
    """The list's query string: `unread=1` for unread only (`?after=` and `?before=` are
    read by `cocreation.core.pages.keyset_paginate`)."""

    unread = forms.ChoiceField(choices=[("", ""), ("1", "1")], required=False)
