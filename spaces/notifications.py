"""The notifications spaces send. Placeholders are filled from notify()'s context."""

from django.utils.translation import gettext_lazy as _

from cocreation.notifications.kinds import NotificationKind, register

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
