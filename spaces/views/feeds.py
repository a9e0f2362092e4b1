"""iCalendar feeds of bookings at secret addresses (a calendar app holds them), made with
the icalendar library on `cocreation.core.ical`, so calendar apps accept them.

Stored text is cleaned on the way out by `cocreation.core.inputs.output_single_line`, so
no stored text can break a feed or add a line to it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from cocreation.accounts.selectors import user_for_calendar_token
from cocreation.accounts.services import calendar_token_reset
from cocreation.core import ical
from cocreation.core.inputs import output_single_line

from .. import permissions
from ..models import Booking, Space
from ..selectors.bookings import feed_of_space, feed_of_user, space_for_feed


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


def _calendar(name: str, bookings, request, *, show_names: bool, viewer) -> Calendar:
    """A calendar named `name` of `bookings` (with `space`, and `user` when names are
    shown, selected), for `viewer`, the feed's owner (the user of the address's token).

    Another person's booking shows its purpose (and, with `show_names`, the booker's
    name) only when the viewer may see them on the week view; otherwise it says only
    what is booked, so a seat booker's feed does not tell other people's seat purposes.
    """
    details = _Details(viewer)
    cal = ical.new_calendar(name, product="spaces")
    now = timezone.now()
    for booking in bookings:
        event = Event()
        event.add("uid", ical.uid("booking", booking.pk))
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
        confirmed = booking.status == Booking.Status.CONFIRMED
        event.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
        cal.add_component(event)
    return cal


@login_required
@require_POST
def calendar_reset(request):
    """Signed-in users: a new secret feed address; the old one stops working."""
    calendar_token_reset(user=request.user)
    messages.success(request, _("Your calendar address was changed; update your calendar app."))
    return redirect("spaces:mine")


def ical_mine(request, token: str):
    """Anyone holding the user's secret address (a calendar app): their live bookings."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404
    return ical.response(
        _calendar(_("My bookings"), feed_of_user(user), request, show_names=True, viewer=user),
        "bookings.ics",
    )


def ical_space(request, token: str, pk: int):
    """Anyone holding the secret address of a user who may book the space."""
    user = user_for_calendar_token(token)
    try:
        space = space_for_feed(pk)
    except Space.DoesNotExist:
        raise Http404 from None
    if user is None or not permissions.can_view_space(user, space):
        raise Http404
    return ical.response(
        _calendar(
            space.name,
            feed_of_space(space),
            request,
            show_names=permissions.can_see_seat_names(user, space),
            viewer=user,
        ),
        f"space-{space.pk}.ics",
    )
