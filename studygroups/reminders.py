"""The reminders study groups feed to the one reminder runner
(cocreation.notifications.reminders): the day before each session, each participant; the
day before each exchange meeting, each registered participant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from cocreation.core.dates import Rendered, span
from cocreation.notifications.reminders import Due, reminder_source

from .models import MeetingRegistration, Session
from .selectors.sessions import session_members
from .services.meetings import meeting_where
from .services.sessions import where


@reminder_source("studygroups.session_reminders")
def due_session_reminders(now: dt.datetime) -> Iterator[Due]:
    """Every participant of each session that starts tomorrow (the day after `now`'s local
    date), once per member and start: the key names the start to the minute, so a session
    moved after its reminder is reminded again of its new time (issue 10 B4)."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=timezone.get_current_timezone())
    sessions = Session.objects.filter(
        starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
    ).select_related("cohort", "team")
    for session in sessions:
        day = f"{timezone.localtime(session.starts_at):%Y-%m-%dT%H:%M}"
        for member in session_members(session):
            yield Due(
                member.user,
                "study.session_reminder",
                session,
                key=f"study.session_reminder|{session.pk}|{day}|{member.user_id}",
                context={
                    "session": session.title,
                    "when": Rendered(span, session.starts_at, session.ends_at),
                    "place": where(session),
                    "cohort": session.cohort.title,
                },
                url=session.get_absolute_url(),
            )


@reminder_source("studygroups.meeting_reminders")
def due_meeting_reminders(now: dt.datetime) -> Iterator[Due]:
    """Every registered participant of each exchange meeting that starts tomorrow (the day
    after `now`'s local date), once per person and start: the key names the start to the
    minute, so a meeting moved after its reminder is reminded again."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=timezone.get_current_timezone())
    registrations = MeetingRegistration.objects.filter(
        meeting__starts_at__gte=start, meeting__starts_at__lt=start + dt.timedelta(days=1)
    ).select_related("meeting__region", "user")
    for registration in registrations:
        meeting = registration.meeting
        day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%dT%H:%M}"
        yield Due(
            registration.user,
            "study.meeting_reminder",
            meeting,
            key=f"study.meeting_reminder|{meeting.pk}|{day}|{registration.user_id}",
            context={
                "meeting": meeting.title,
                "network": meeting.region.name,
                "when": Rendered(span, meeting.starts_at, meeting.ends_at),
                "place": meeting_where(meeting),
            },
            url=meeting.get_absolute_url(),
        )
