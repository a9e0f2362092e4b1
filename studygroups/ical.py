"""iCalendar feeds of study sessions (the icalendar library writes them)."""

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from spaces.ical import _host


def calendar(name: str, sessions, request) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//官民共創ポータル//studygroups//JA")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    now = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", f"study-session-{session.pk}@{_host()}")
        event.add("dtstamp", now)
        event.add("sequence", session.revision)
        event.add("dtstart", timezone.localtime(session.starts_at))
        event.add("dtend", timezone.localtime(session.ends_at))
        event.add("summary", f"{session.cohort.title}: {session.title}")
        if session.place or session.online_url:
            event.add("location", session.place or session.online_url)
        if session.content:
            event.add("description", session.content)
        event.add("url", request.build_absolute_uri(session.get_absolute_url()))
        cal.add_component(event)
    return cal


def response(cal: Calendar, filename: str) -> HttpResponse:
    result = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
