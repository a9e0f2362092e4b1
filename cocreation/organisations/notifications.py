"""The notifications of memberships. Placeholders are filled from notify()'s context."""

from django.utils.translation import gettext_lazy as _

from cocreation.notifications.kinds import NotificationKind, register

MEMBERSHIP_REQUESTED = register(
    NotificationKind(
        "membership.requested",
        _("%(person)s asks to join %(organisation)s"),
        _(
            "%(person)s (%(email)s) asks to join %(organisation)s.\n"
            "Message: %(message)s\n"
            "Please approve or decline the request on the portal."
        ),
    )
)
MEMBERSHIP_APPROVED = register(
    NotificationKind(
        "membership.approved",
        _("You are now a member of %(organisation)s"),
        _("%(decider)s approved your request to join %(organisation)s."),
    )
)
MEMBERSHIP_DECLINED = register(
    NotificationKind(
        "membership.declined",
        _("Your request to join %(organisation)s was declined"),
        _(
            "%(decider)s declined your request to join %(organisation)s.\n"
            "Reason: %(reason)s\n"
            "If you think this is a mistake, contact the organisation or ask again."
        ),
    )
)
MEMBERSHIP_JOINED_BY_DOMAIN = register(
    NotificationKind(
        "membership.joined_by_domain",
        _("You joined %(organisation)s"),
        _(
            "Your verified address %(email)s is on a mail domain registered by "
            "%(organisation)s, so you joined it as staff."
        ),
    )
)
REGION_ANNOUNCEMENT = register(
    NotificationKind(
        "region.announcement",
        _("[%(region)s] %(title)s"),
        _(
            "%(body)s\n\n"
            "An announcement by %(sender)s to every member of the organisations of "
            "%(region)s."
        ),
    )
)
