"""iCalendar feeds of study sessions, built with the icalendar library on the portal's
shared calendar pieces (cocreation.core.ical). Stored text is cleaned on the way out, so
legacy text never breaks a feed."""

from django.utils import timezone
from icalendar import Calendar, Event

from cocreation.core.ical import new_calendar, uid
from cocreation.core.inputs import output_multiline, output_single_line


def calendar(name: str, sessions, request) -> Calendar:
    """A calendar named `name` of `sessions` (with `cohort` selected); each event's
    SEQUENCE is the session's revision, so a moved session replaces the old one."""
    cal = new_calendar(name, product="studygroups")
    now = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", uid("study-session", session.pk))
        event.add("dtstamp", now)
        event.add("sequence", session.revision)
        event.add("dtstart", timezone.localtime(session.starts_at))
        event.add("dtend", timezone.localtime(session.ends_at))
        event.add("summary", output_single_line(f"{session.cohort.title}: {session.title}"))
        if session.place or session.online_url:
            event.add("location", output_single_line(session.place or session.online_url))
        if session.content:
            event.add("description", output_multiline(session.content))
        event.add("url", request.build_absolute_uri(session.get_absolute_url()))
        cal.add_component(event)
    return cal
