"""Forms of the schedule and the session page: a session, a weekly series, a move, the
survey, the schedule's filter, the order of presentations, attendance, a room."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core import inputs
from cocreation.core.dates import jdate
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.widgets import DateTimeInput

from ..models import Attendance, Session, Team


class SessionForm(PortalModelForm):
    """One session of a cohort (`team` empty: the whole cohort); the model's rules (an
    end after the start, the date window) are checked with the form."""

    online_url = forms.URLField(
        label=_("Online meeting or streaming link"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Session
        fields = [
            "kind",
            "title",
            "team",
            "phase",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "lecturer",
            "content",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "content": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")
        self.fields["phase"].queryset = cohort.phases.all()


class SeriesForm(PortalForm):
    """A weekly series of team meetings: the first start, the length and the weeks."""

    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("The whole cohort"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, initial="班会議（ウェブ）")
    first_start = forms.DateTimeField(label=_("First session starts"), widget=DateTimeInput())
    hours = forms.DecimalField(label=_("Length (hours)"), min_value=0.5, max_value=8, initial=2)
    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=52, initial=10)
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")

    def clean(self):
        """The last session must end inside the date window too: counted by arithmetic
        (weeks are bounded to 52 by the field), before any session is made."""
        data = super().clean()
        first, hours, weeks = data.get("first_start"), data.get("hours"), data.get("weeks")
        if first is not None and hours is not None and weeks is not None:
            last_end = first + dt.timedelta(weeks=weeks - 1, hours=float(hours))
            try:
                inputs.validate_date(last_end)
            except forms.ValidationError:
                self.add_error(
                    "weeks",
                    _(
                        "The last session would fall on %(date)s, after %(last)s. "
                        "Choose fewer weeks or an earlier start."
                    )
                    % {
                        "date": jdate(timezone.localtime(last_end).date()),
                        "last": inputs.window_params()["last"],
                    },
                )
        return data


class MoveForm(PortalForm):
    """A session's new start, end and (when given) place."""

    starts_at = forms.DateTimeField(label=_("New start"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("New end"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data


class SurveyForm(PortalForm):
    """A participant's answer to the survey after a session."""

    rating = forms.TypedChoiceField(
        label=_("How useful was this session? (5 = very)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What did you learn, what would you change?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "The cohort's coordinators read it on the session page without your name; "
            "site administrators can see who wrote it."
        ),
    )


class ScheduleFilterForm(PortalForm):
    """Which sessions the schedule lists: a team's (with the whole cohort's), and when."""

    team = forms.ChoiceField(label=_("Team"), required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            ("", _("All teams")),
            ("cohort", _("Whole-cohort sessions only")),
            *[(str(team.pk), str(team)) for team in cohort.teams.select_related("field")],
        ]


class PresentationOrderForm(PortalForm):
    """The order of presentations at a report meeting: for each team `order-<team id>`
    (1 to `MAX_ORDER`, empty: the team does not present) and `title-<team id>`."""

    MAX_ORDER = 50

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        for team in self.teams:
            self.fields[f"order-{team.pk}"] = forms.IntegerField(
                label=_("Order of %(team)s") % {"team": team},
                min_value=1,
                max_value=self.MAX_ORDER,
                required=False,
            )
            self.fields[f"title-{team.pk}"] = forms.CharField(
                label=_("Presentation title of %(team)s") % {"team": team},
                max_length=200,
                required=False,
            )

    def rows(self) -> list[tuple[int, int, str]]:
        """(team id, order, title) for the teams given an order; call after is_valid()."""
        return [
            (team.pk, order, self.cleaned_data[f"title-{team.pk}"])
            for team in self.teams
            if (order := self.cleaned_data.get(f"order-{team.pk}")) is not None
        ]

    def table(self) -> list[tuple]:
        """(team, order field, title field) per team, bound fields for the template."""
        return [(team, self[f"order-{team.pk}"], self[f"title-{team.pk}"]) for team in self.teams]


class AttendanceForm(PortalForm):
    """Attendance of a session: for each participant `a-<member id>`, an
    Attendance.Status value, or nothing to leave it unrecorded."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"a-{member.pk}"] = forms.ChoiceField(
                label=member.user.display_name,
                choices=Attendance.Status.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def statuses(self) -> dict[int, str]:
        """{member id: status} of the members given one; call after is_valid()."""
        return {
            member.pk: status
            for member in self.members
            if (status := self.cleaned_data[f"a-{member.pk}"])
        }


class RoomForm(PortalForm):
    """The space whose whole room is booked for a session (its id)."""

    space = forms.IntegerField(label=_("Space"), min_value=1, max_value=inputs.BIGINT_MAX)
