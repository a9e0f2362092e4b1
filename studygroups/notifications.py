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

# Exchange meetings (情報交換会) of a network's officers (issue 14).
MEETING_REGISTERED = register(
    NotificationKind(
        "study.meeting_registered",
        _("You are registered for %(meeting)s (%(when)s)"),
        _(
            "You are registered for the exchange meeting %(meeting)s of %(network)s.\n"
            "When: %(when)s\nWhere: %(place)s\n"
            "You can cancel on the meeting's page on the portal until it starts."
        ),
    )
)
MEETING_REGISTRATION_RECEIVED = register(
    NotificationKind(
        "study.meeting_registration_received",
        _("%(person)s registered for %(meeting)s"),
        _(
            "%(person)s (%(organisation)s) registered for %(meeting)s (%(when)s).\n"
            "Registered so far: %(count)s"
        ),
        email=False,
    )
)
MEETING_CHANGED = register(
    NotificationKind(
        "study.meeting_changed",
        _("Changed: %(meeting)s (%(when)s)"),
        _(
            "The exchange meeting %(meeting)s of %(network)s you are registered for has "
            "changed.\nWhen: %(when)s\nWhere: %(place)s\n"
            "If you can no longer come, cancel on the meeting's page on the portal."
        ),
    )
)
MEETING_REMINDER = register(
    NotificationKind(
        "study.meeting_reminder",
        _("Tomorrow: %(meeting)s (%(when)s)"),
        _(
            "A reminder of tomorrow's exchange meeting of %(network)s.\n%(meeting)s\n"
            "When: %(when)s\nWhere: %(place)s"
        ),
    )
)
MEETING_MINUTES = register(
    NotificationKind(
        "study.meeting_minutes",
        _("Minutes of %(meeting)s"),
        _(
            "The minutes of the exchange meeting %(meeting)s (%(when)s) are on the portal, "
            "with its survey for the participants.\n\n%(minutes)s"
        ),
    )
)
