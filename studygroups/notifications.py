"""The notifications study groups send."""

from django.utils.translation import gettext_lazy as _

from cocreation.notifications.kinds import NotificationKind, register

SESSION_MOVED = register(
    NotificationKind(
        "study.session_moved",
        _("%(session)s has moved to %(when)s"),
        _("The session %(session)s was moved.\nBefore: %(old)s\nNow: %(when)s\nPlace: %(place)s"),
    )
)
SESSION_REMINDER = register(
    NotificationKind(
        "study.session_reminder",
        _("Tomorrow: %(session)s (%(when)s)"),
        _(
            "A reminder of tomorrow's session of %(cohort)s.\n%(session)s\n%(when)s\n"
            "Place: %(place)s"
        ),
    )
)
