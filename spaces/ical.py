"""iCalendar feeds of bookings, made with the icalendar library so calendar apps accept them."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event


def _host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"


def calendar(name: str, bookings, request, *, show_names: bool) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//官民共創ポータル//spaces//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{_host()}")
        event.add("dtstamp", now)
        event.add("dtstart", timezone.localtime(booking.starts_at))
        event.add("dtend", timezone.localtime(booking.ends_at))
        summary = f"{booking.space.name}: {booking.purpose}"
        if show_names:
            summary += f" ({booking.user.display_name})"
        event.add("summary", summary)
        event.add("location", booking.space.location)
        event.add("url", request.build_absolute_uri(booking.get_absolute_url()))
        event.add("status", "CONFIRMED" if booking.status == "confirmed" else "TENTATIVE")
        cal.add_component(event)
    return cal


def response(cal: Calendar, filename: str) -> HttpResponse:
    result = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
