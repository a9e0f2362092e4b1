"""iCalendar feeds of bookings, made with the icalendar library so calendar apps accept them.

Stored text is cleaned on the way out by `cocreation.core.inputs.output_single_line` and
`output_multiline`, so no stored text can break a feed or add a line to it.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cocreation.core.inputs import output_single_line

from . import permissions
from .models import Booking


def _host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"


class _Details:
    """Whether the feed's owner may see the purpose and the booker of a booking: their
    own always; another person's as the week view shows it (whole-room bookings to those
    who may book, seats to the space's coordinators; spaces/permissions.py)."""

    def __init__(self, viewer):
        self.viewer = viewer
        self._seen: dict[tuple[int, str], bool] = {}

    def visible(self, booking: Booking) -> bool:
        if self.viewer is None:
            return False
        if booking.user_id == self.viewer.pk:
            return True
        key = (booking.space_id, booking.kind)
        if key not in self._seen:
            self._seen[key] = permissions.can_see_booker_names(
                self.viewer, booking.space, booking.kind
            )
        return self._seen[key]


def calendar(name: str, bookings, request, *, show_names: bool, viewer) -> Calendar:
    """A calendar named `name` of `bookings` (with `space`, and `user` when names are
    shown, selected), for `viewer`, the feed's owner (the user of the address's token).

    Another person's booking shows its purpose (and, with `show_names`, the booker's
    name) only when the viewer may see them on the week view; otherwise it says only
    what is booked, so a seat booker's feed does not tell other people's seat purposes.
    """
    details = _Details(viewer)
    cal = Calendar()
    cal.add("prodid", "-//官民共創ポータル//spaces//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", output_single_line(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{_host()}")
        event.add("dtstamp", now)
        event.add("dtstart", timezone.localtime(booking.starts_at))
        event.add("dtend", timezone.localtime(booking.ends_at))
        if details.visible(booking):
            summary = f"{booking.space.name}: {booking.purpose}"
            if show_names:
                summary += f" ({booking.user.display_name})"
        elif booking.kind == Booking.Kind.WHOLE_ROOM:
            summary = f"{booking.space.name}: {_('Whole room booked')}"
        else:
            summary = f"{booking.space.name}: {_('Seat booked')}"
        event.add("summary", output_single_line(summary))
        event.add("location", output_single_line(booking.space.location))
        event.add("url", request.build_absolute_uri(booking.get_absolute_url()))
        event.add("status", "CONFIRMED" if booking.status == "confirmed" else "TENTATIVE")
        cal.add_component(event)
    return cal


def response(cal: Calendar, filename: str) -> HttpResponse:
    """The calendar as a `text/calendar` download named `filename`, for every feed of the
    portal. Each TZID it uses gets its VTIMEZONE (RFC 5545 §3.6.5 requires one; Outlook
    and other strict clients misread the times without it)."""
    cal.add_missing_timezones()
    result = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    result["Content-Disposition"] = f'inline; filename="{filename}"'
    return result
