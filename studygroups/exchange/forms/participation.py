"""The forms of the weekly log, the report and an on-site day."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput
from spaces import rules
from spaces.forms.bookings import MIDNIGHT_TEXT, time_choices
from spaces.models import END_OF_DAY, Space


class LogEntryForm(PortalForm):
    """A weekly note: any day of the week it is about, and what happened."""

    week_of = forms.DateField(
        label=_("A day of the week"),
        widget=DateInput(),
        help_text=_("One entry per week: the week (Monday to Sunday) containing this day."),
    )
    body = forms.CharField(
        label=_("What happened this week"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ReportForm(PortalForm):
    """The end-of-placement report."""

    learned = forms.CharField(
        label=_("What was learned"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000
    )
    host_takes_home = forms.CharField(
        label=_("What the host town takes home"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    guest_takes_home = forms.CharField(
        label=_("What the sending town takes home"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class OnSiteDayForm(PortalForm):
    """An on-site day in the host's room: the date and the times on the room's grid;
    clean() adds the aware "starts_at" and "ends_at" the service takes."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.ChoiceField(label=_("From"))
    end_time = forms.ChoiceField(label=_("Until"))

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        choices = time_choices(space)
        self.fields["start_time"].choices = choices[:-1]
        self.fields["end_time"].choices = choices[1:]

    @staticmethod
    def _aware(day, text):
        if text == MIDNIGHT_TEXT:
            return rules.end_at(day, END_OF_DAY)
        return dt.datetime.combine(
            day, dt.time.fromisoformat(text), tzinfo=timezone.get_current_timezone()
        )

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            cleaned["starts_at"] = self._aware(day, start)
            cleaned["ends_at"] = self._aware(day, end)
        return cleaned
