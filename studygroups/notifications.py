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
APPLICATION_RECEIVED = register(
    NotificationKind(
        "study.application_received",
        _("New application to %(cohort)s: %(person)s"),
        _(
            "%(person)s (%(organisation)s) applied to %(cohort)s.\n"
            "Preferred fields: %(fields)s\nAccept or decline the application on the portal."
        ),
    )
)
APPLICATION_ACCEPTED = register(
    NotificationKind(
        "study.application_accepted",
        _("Your application to %(cohort)s was accepted"),
        _(
            "Welcome to %(cohort)s. The coordinators will tell you your team; the schedule "
            "is on the cohort's page."
        ),
    )
)
APPLICATION_DECLINED = register(
    NotificationKind(
        "study.application_declined",
        _("Your application to %(cohort)s was not accepted"),
        _(
            "Thank you for applying to %(cohort)s. The coordinators could not accept your "
            "application this time."
        ),
    )
)
TEAM_ASSIGNED = register(
    NotificationKind(
        "study.team_assigned",
        _("%(cohort)s: you are in %(team)s"),
        _("The coordinators put you in %(team)s of %(cohort)s as %(role)s."),
    )
)
REVIEW_COMMENT = register(
    NotificationKind(
        "study.review_comment",
        _("A comment (講評) on your team's %(deliverable)s"),
        _("%(author)s commented on version %(version)s of %(deliverable)s:\n\n%(body)s"),
    )
)
