"""The notifications spaces send, and whom they go to with what. Placeholders are filled
from notify()'s context; times in it are `Rendered`, so each recipient reads them in their
own language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cocreation import permissions as roles
from cocreation.core.dates import Rendered, span
from cocreation.notifications.kinds import NotificationKind, register
from cocreation.notifications.services import notify, notify_many

from .models import Booking
from .selectors.approval import space_coordinators

_CANCELLED_TITLE = _("Your booking of %(space)s on %(when)s was cancelled")
_CANCELLED_BODY = _(
    "A coordinator cancelled your booking of %(space)s on %(when)s "
    "(%(purpose)s).\nReason: %(reason)s"
)
BOOKING_CANCELLED_BY_COORDINATOR = register(
    NotificationKind("space.booking_cancelled_by_coordinator", _CANCELLED_TITLE, _CANCELLED_BODY)
)
# The earlier name of the same kind, kept so that notifications stored under it still render.
register(NotificationKind("space.booking_cancelled", _CANCELLED_TITLE, _CANCELLED_BODY))
BOOKING_APPROVED = register(
    NotificationKind(
        "space.booking_approved",
        _("Your booking of %(space)s on %(when)s is confirmed"),
        _("A coordinator approved your whole-room booking of %(space)s on %(when)s (%(purpose)s)."),
    )
)
BOOKING_DECLINED = register(
    NotificationKind(
        "space.booking_declined",
        _("Your booking of %(space)s on %(when)s was declined"),
        _(
            "A coordinator declined your whole-room booking of %(space)s on %(when)s "
            "(%(purpose)s).\nReason: %(reason)s"
        ),
    )
)
BOOKING_REMINDER = register(
    NotificationKind(
        "space.booking_reminder",
        _("Tomorrow: %(space)s, %(when)s"),
        _(
            "A reminder of your booking tomorrow.\n%(space)s (%(address)s)\n%(when)s\n"
            "Purpose: %(purpose)s\nIf you no longer need it, please cancel it on the portal."
        ),
    )
)

# To the space's coordinators (issue 10 B2). Each detail on its own labelled line, so
# that the mail reads fully as plain text.
BOOKING_REQUESTED = register(
    NotificationKind(
        "space.booking_requested",
        _("Approval requested: %(space)s, %(when)s"),
        _(
            "A whole-room booking awaits your approval.\n"
            "Room: %(space)s (%(address)s)\n"
            "When: %(when)s\n"
            "Booked by: %(booker)s\n"
            "Purpose: %(purpose)s\n"
            "Please approve or decline it on the portal."
        ),
    )
)
BOOKING_CHANGED_BY_COORDINATOR = register(
    NotificationKind(
        "space.booking_changed_by_coordinator",
        _("Your booking of %(space)s was changed"),
        _(
            "A coordinator changed your booking of %(space)s.\n"
            "Now: %(when)s\n"
            "Before the change: %(before)s\n"
            "Purpose: %(purpose)s\n"
            "If the new time does not suit you, change or cancel the booking on the portal."
        ),
    )
)
BOOKING_REQUEST_CHANGED = register(
    NotificationKind(
        "space.booking_request_changed",
        _("Changed booking awaits approval: %(space)s, %(when)s"),
        _(
            "The booker changed a whole-room booking; it awaits your approval again.\n"
            "Room: %(space)s (%(address)s)\n"
            "When: %(when)s\n"
            "Before the change: %(before)s\n"
            "Booked by: %(booker)s\n"
            "Purpose: %(purpose)s\n"
            "Please approve or decline it on the portal."
        ),
    )
)
BOOKING_SERIES_REQUESTED = register(
    NotificationKind(
        "space.booking_series_requested",
        _("Approval requested for a weekly booking: %(space)s from %(first)s"),
        _(
            "A weekly whole-room booking awaits your approval, date by date.\n"
            "Room: %(space)s (%(address)s)\n"
            "Dates:\n%(dates)s\n"
            "Booked by: %(booker)s\n"
            "Purpose: %(purpose)s\n"
            "Please approve or decline each date on the portal."
        ),
    )
)
BOOKING_REQUEST_REMINDER = register(
    NotificationKind(
        "space.booking_request_reminder",
        _("Still awaiting approval: %(space)s, %(when)s"),
        _(
            "A whole-room booking has been waiting for your approval since %(since)s.\n"
            "Room: %(space)s (%(address)s)\n"
            "When: %(when)s\n"
            "Booked by: %(booker)s\n"
            "Purpose: %(purpose)s\n"
            "%(more)s"
            "Please approve or decline it on the portal."
        ),
    )
)


# --- Whom they go to, with what -------------------------------------------------------------


def when(booking: Booking) -> Rendered:
    """The booking's time, 2020年12月18日(金) 13:30〜15:00 (an end at midnight as 24:00),
    written in each recipient's language."""
    return Rendered(span, booking.starts_at, booking.ends_at)


def _kind_and_span(kind: str, starts_at, ends_at) -> str:
    return f"{span(starts_at, ends_at)} ({Booking.Kind(kind).label})"


def as_booked(booking: Booking) -> Rendered:
    """The booking's time and kind, 2020年12月18日(金) 13:30〜15:00 (座席), in each
    recipient's language: what "before the change" shows, so that a change of kind alone
    reads as a change."""
    return Rendered(_kind_and_span, booking.kind, booking.starts_at, booking.ends_at)


def _booker_text(user) -> str:
    separator = "、" if translation.get_language() == "ja" else ", "
    names = separator.join(m.organisation.name for m in roles.active_memberships(user))
    if not names:
        return user.display_name
    return gettext("%(person)s (%(organisation)s)") % {
        "person": user.display_name,
        "organisation": names,
    }


def booker(user) -> Rendered:
    """The booker's name and organisations ("郡山 太郎（郡山市）") in each recipient's
    language."""
    return Rendered(_booker_text, user)


def _dates_text(bookings: list[Booking]) -> str:
    return "\n".join(f"- {span(b.starts_at, b.ends_at)}" for b in bookings)


def dates_list(bookings: list[Booking]) -> Rendered:
    """One line per booking's time, for a series request."""
    return Rendered(_dates_text, bookings)


def _more_text(count: int) -> str:
    if not count:
        return ""
    text = ngettext(
        "%(count)d more date of the same weekly booking awaits approval too.",
        "%(count)d more dates of the same weekly booking await approval too.",
        count,
    )
    return text % {"count": count} + "\n"


def more_dates(count: int) -> Rendered:
    """The line saying how many more dates of the same weekly request wait too ("" for
    none)."""
    return Rendered(_more_text, count)


def request_context(booking: Booking) -> dict:
    """What every message about a whole-room request says: room, address, time, booker
    and purpose (`booking` with `space` and `user` loaded)."""
    return {
        "space": booking.space.name,
        "address": booking.space.location,
        "when": when(booking),
        "booker": booker(booking.user),
        "purpose": booking.purpose,
    }


def tell_booker(booking: Booking, kind: str, *, reason: str, actor) -> None:
    """Tell the booker what `actor` did to their booking (`kind`, e.g.
    "space.booking_approved"), with `reason`; nothing when they did it themselves. Once per
    booking and kind (the notification key)."""
    if booking.user_id == getattr(actor, "pk", None):
        return
    notify(
        booking.user,
        kind,
        booking,
        context={
            "space": booking.space.name,
            "when": when(booking),
            "purpose": booking.purpose,
            "reason": reason,
        },
        url=booking.get_absolute_url(),
        key=f"{kind}|{booking.pk}",
    )


def tell_coordinators(
    booking: Booking,
    kind: str,
    *,
    actor,
    key: str,
    extra: dict | None = None,
    url: str | None = None,
) -> None:
    """Tell each of `selectors.approval.space_coordinators` but the actor, in the portal
    and by mail, about a whole-room request (`request_context` and `extra`); `key` + the
    recipient's id makes each notification once."""
    context = {**request_context(booking), **(extra or {})}
    notify_many(
        [p for p in space_coordinators(booking.space) if p.pk != getattr(actor, "pk", None)],
        kind,
        booking,
        context=context,
        url=url or booking.get_absolute_url(),
        key_prefix=key,
    )
