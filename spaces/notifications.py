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
