"""iCalendar feeds of study sessions (the icalendar library writes them). Stored text is
cleaned on the way out as in spaces/ical.py, so legacy text never breaks a feed."""

from django.utils import timezone
from icalendar import Calendar, Event

from cocreation.core.inputs import output_multiline, output_single_line
from spaces.ical import _host, response  # noqa: F401  (one response for every feed)


def calendar(name: str, sessions, request) -> Calendar:
    """A calendar named `name` of `sessions` (with `cohort` selected)."""
    cal = Calendar()
    cal.add("prodid", "-//官民共創ポータル//studygroups//JA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", output_single_line(name))
    now = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", f"study-session-{session.pk}@{_host()}")
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
