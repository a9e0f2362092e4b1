"""Forms of exchange meetings (情報交換会): scheduling one (a day and start and end times in
JST), the minutes, and the participants' survey."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput, TimeInput

from .sessions import SurveyForm

JST = ZoneInfo("Asia/Tokyo")


class MeetingForm(PortalForm):
    """A network's exchange meeting for the officers of one field: `starts_at` and
    `ends_at` in cleaned_data are aware datetimes built from the day and the times (JST)."""

    field = forms.CharField(
        label=_("Officers' field"),
        max_length=100,
        help_text=_("The officers it is for, e.g. 官民共創の窓口担当, DX, 防災."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at (JST)"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at (JST)"), widget=TimeInput())
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Meeting agenda"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("Leave empty for no limit."),
    )

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("A meeting ends after it starts."))
            else:
                data["starts_at"] = dt.datetime.combine(day, start, tzinfo=JST)
                data["ends_at"] = dt.datetime.combine(day, end, tzinfo=JST)
        if not data.get("online_url") and not data.get("place"):
            self.add_error("online_url", _("Give an online meeting link, a place, or both."))
        return data


class MinutesForm(PortalForm):
    """The minutes of a meeting, and whether to publish them to the network's staff."""

    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Read by the staff of every member municipality: what was discussed and "
            "decided, without e-mail addresses or telephone numbers."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish the minutes to the network's staff"), required=False
    )


class MeetingSurveyForm(SurveyForm):
    """A participant's answer to the survey after an exchange meeting (the sessions'
    survey, with the meeting's wording)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].label = _("How useful was this meeting? (5 = very)")
        self.fields["comment"].label = _("What did you take away, what would you change?")
        self.fields["comment"].help_text = _(
            "The organisers read it on the meeting's page without your name."
        )
