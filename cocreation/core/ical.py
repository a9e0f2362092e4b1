"""What every iCalendar feed of the portal shares: the calendar's header, event ids, and
the response. Apps build their events (spaces: bookings; studygroups: sessions) with the
icalendar library on top of these."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar

from .inputs import output_single_line

# How far a feed reaches: what a calendar app shows around today. A busy room gathers
# thousands of bookings over the years; a feed of all of them would grow without bound,
# and calendar apps fetch it every few hours. Google Calendar and Outlook keep the events
# they have already read, so the past three months are enough to correct recent changes.
FEED_DAYS_BEFORE = 92
FEED_DAYS_AFTER = 731


def feed_now() -> dt.datetime:
    """The moment a feed is drawn around (aware, UTC); the tests of feeds of 2020 data
    replace it."""
    return timezone.now()


def feed_window() -> tuple[dt.datetime, dt.datetime]:
    """(since, until): a feed lists the events that end after `since` and start before
    `until`, FEED_DAYS_BEFORE days back and FEED_DAYS_AFTER days ahead of `feed_now()`."""
    now = feed_now()
    return now - dt.timedelta(days=FEED_DAYS_BEFORE), now + dt.timedelta(days=FEED_DAYS_AFTER)


def uid(kind: str, pk: int) -> str:
    """A globally unique, stable event id (RFC 5545 §3.8.4.7), e.g. booking-12@portal.jp."""
    return f"{kind}-{pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def new_calendar(name: str, *, product: str) -> Calendar:
    """An empty calendar named `name` (stored text, cleaned to one line) whose PRODID
    names the app (`product`, e.g. "spaces")."""
    cal = Calendar()
    cal.add("prodid", f"-//官民共創ポータル//{product}//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", output_single_line(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def response(cal: Calendar, filename: str) -> HttpResponse:
    """The calendar as a `text/calendar` download named `filename`, for every feed of the
    portal. Each TZID it uses gets its VTIMEZONE (RFC 5545 §3.6.5 requires one; Outlook
    and other strict clients misread the times without it)."""
    cal.add_missing_timezones()
    result = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
