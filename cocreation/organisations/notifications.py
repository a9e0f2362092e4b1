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
HANDOVER_OPENED = register(
    NotificationKind(
        "handover.opened",
        _("%(person)s moved: hand over their roles at %(organisation)s"),
        _(
            "%(person)s (%(reason)s) holds these roles at %(organisation)s:\n"
            "%(items)s\n\n"
            "Choose a successor for each on the portal's handover page of the "
            "organisation (Organisations > %(organisation)s > Handovers)."
        ),
    )
)
HANDOVER_TAKEN_OVER = register(
    NotificationKind(
        "handover.taken_over",
        _("You take over from %(person)s"),
        _(
            "%(person)s moved, and the admin of %(organisation)s handed these roles to "
            "you:\n%(items)s\n\nThe history of each stays on the portal."
        ),
    )
)
HANDOVER_DONE = register(
    NotificationKind(
        "handover.done",
        _("Your roles at %(organisation)s were handed over"),
        _("The admin of %(organisation)s handed over your roles:\n%(items)s"),
    )
)
HANDOVER_APRIL = register(
    NotificationKind(
        "handover.april",
        _("Handovers waiting at %(organisation)s (%(count)s)"),
        _(
            "April is when most staff move. These people moved or changed department and "
            "still hold roles at %(organisation)s that nobody has taken over:\n"
            "%(people)s\n\n"
            "Choose their successors on the portal's handover page of the organisation "
            "(Organisations > %(organisation)s > Handovers)."
        ),
    )
)
NETWORK_JOIN_REQUESTED = register(
    NotificationKind(
        "network.join_requested",
        _("%(organisation)s asks to join %(network)s"),
        _(
            "%(person)s asks for %(organisation)s (local-government code %(code)s) to join "
            "%(network)s.\nMessage: %(message)s\n"
            "Accept or decline the request on the network's page of the portal."
        ),
    )
)
NETWORK_JOIN_ACCEPTED = register(
    NotificationKind(
        "network.join_accepted",
        _("%(organisation)s joined %(network)s"),
        _(
            "%(decider)s accepted the request: %(organisation)s is now a member of "
            "%(network)s. Its members see the network's agreements, fields and quests on "
            "the network's page of the portal."
        ),
    )
)
NETWORK_JOIN_DECLINED = register(
    NotificationKind(
        "network.join_declined",
        _("The request of %(organisation)s to join %(network)s was declined"),
        _(
            "%(decider)s declined the request of %(organisation)s to join %(network)s.\n"
            "Reason: %(reason)s"
        ),
    )
)
