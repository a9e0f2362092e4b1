"""The notifications quests send. Placeholders are filled from notify()'s context."""

from django.utils.translation import gettext_lazy as _

from cocreation.notifications.kinds import NotificationKind, register

PROPOSAL_SUBMITTED = register(
    NotificationKind(
        "quest.proposal_submitted",
        _("New proposal for %(quest)s"),
        _(
            '%(company)s submitted the proposal "%(proposal)s" to the quest %(quest)s.\n'
            "Review it with the team on the portal."
        ),
    )
)
QUESTION_ASKED = register(
    NotificationKind(
        "quest.question_asked",
        _("New question on %(quest)s"),
        _(
            "A question was asked on the quest %(quest)s:\n\n%(question)s\n\n"
            "Answers are published to every company."
        ),
    )
)
QUESTION_ANSWERED = register(
    NotificationKind(
        "quest.question_answered",
        _("A question on %(quest)s was answered"),
        _("Question:\n%(question)s\n\nAnswer from the quest team:\n%(answer)s"),
    )
)
PROPOSAL_DECIDED = register(
    NotificationKind(
        "quest.proposal_decided",
        _('Decision on your proposal "%(proposal)s": %(decision)s'),
        _(
            "The team of the quest %(quest)s recorded a decision on your proposal "
            '"%(proposal)s": %(decision)s.\n%(reason)s'
        ),
    )
)
PROPOSAL_MESSAGE = register(
    NotificationKind(
        "quest.proposal_message",
        _('New message about the proposal "%(proposal)s"'),
        _('%(author)s wrote about the proposal "%(proposal)s" (quest %(quest)s):\n\n%(message)s'),
    )
)
STATE_CHANGED = register(
    NotificationKind(
        "quest.state_changed",
        _('%(quest)s is now "%(state)s"'),
        _('%(actor)s moved the quest %(quest)s from "%(from_state)s" to "%(state)s".\n%(comment)s'),
    )
)
DEADLINE_REMINDER = register(
    NotificationKind(
        "quest.deadline_reminder",
        _("%(days)s day(s) left: proposals for %(quest)s close on %(deadline)s"),
        _(
            "Proposals for the quest %(quest)s close on %(deadline)s (%(days)s day(s) left).\n"
            "%(advice)s"
        ),
    )
)
TRANSITION_RECORDED = register(
    NotificationKind(
        "quest.transition_recorded",
        _("%(quest)s, %(fiscal_year)s: %(outcome)s"),
        _(
            "The team of the quest %(quest)s recorded what follows the trial for "
            "%(fiscal_year)s: %(outcome)s.\n%(details)s"
        ),
    )
)

REUSE_RECORDED = register(
    NotificationKind(
        "quest.reuse_recorded",
        _("%(municipality)s: %(status)s (%(quest)s)"),
        _(
            "%(municipality)s (local-government code %(code)s) recorded that it reuses the "
            "result of the quest %(quest)s.\nStatus: %(status)s\n%(note)s"
        ),
    )
)


def digest_mail_headers(notification) -> dict[str, str]:
    """The digest's one-click unsubscribe (RFC 8058, RFC 2369): List-Unsubscribe names the
    recipient's own signed link, List-Unsubscribe-Post says a POST to it unsubscribes."""
    from django.conf import settings

    from .services.follows import unsubscribe_path

    return {
        "List-Unsubscribe": f"<{settings.SITE_URL}{unsubscribe_path(notification.recipient_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


FOLLOW_DIGEST = register(
    NotificationKind(
        "quest.follow_digest",
        _("New about what you follow: %(period)s"),
        # The whole text is written per person, in their language (services/follows.py).
        "%(digest)s",
        mail_headers=digest_mail_headers,
    )
)

DESK_PROPOSAL_RECEIVED = register(
    NotificationKind(
        "quest.desk_proposal_received",
        _("New proposal to %(desk)s"),
        _(
            '%(organisation)s sent the proposal "%(proposal)s" to the proposal desk '
            "%(desk)s.\nTriage it on the portal."
        ),
    )
)
DESK_TRIAGED = register(
    NotificationKind(
        "quest.desk_triaged",
        _('Your proposal "%(proposal)s": %(state)s'),
        _(
            'The proposal desk %(desk)s has moved your proposal "%(proposal)s" to: '
            "%(state)s.\n%(reason)s"
        ),
    )
)
DESK_ROUTED = register(
    NotificationKind(
        "quest.desk_routed",
        _('A proposal for your department: "%(proposal)s"'),
        _(
            'The proposal desk %(desk)s sent the proposal "%(proposal)s" to %(department)s.\n'
            "Give the department's view on the portal."
        ),
    )
)
DESK_DEPARTMENT_ANSWERED = register(
    NotificationKind(
        "quest.desk_department_answered",
        _('%(department)s answered on "%(proposal)s"'),
        _('%(department)s gave its view on the proposal "%(proposal)s":\n\n%(view)s'),
    )
)
DESK_MESSAGE = register(
    NotificationKind(
        "quest.desk_message",
        _('New message about the proposal "%(proposal)s"'),
        _('%(author)s wrote about the proposal "%(proposal)s" (desk %(desk)s):\n\n%(message)s'),
    )
)
DESK_BOARD_DECIDED = register(
    NotificationKind(
        "quest.desk_board_decided",
        _('Review board decision on "%(proposal)s": %(decision)s'),
        _(
            "The review board of %(desk)s met on %(date)s and decided on your proposal "
            '"%(proposal)s": %(decision)s.\n\nReason:\n%(reason)s\n\n%(next)s'
        ),
    )
)

STAGE_RESULT = register(
    NotificationKind(
        "quest.stage_result",
        _('%(stage)s of "%(proposal)s": %(outcome)s'),
        _(
            "The team of the quest %(quest)s recorded the result of the %(stage)s for your "
            'proposal "%(proposal)s": %(outcome)s.\n%(advice)s\n%(reason)s\n%(next)s'
        ),
    )
)
INTERVIEW_BOOKED = register(
    NotificationKind(
        "quest.interview_booked",
        _("Interview booked for %(quest)s: %(company)s, %(date)s %(time)s"),
        _(
            '%(company)s booked the interview for the proposal "%(proposal)s" (quest '
            "%(quest)s) on %(date)s, %(time)s (Japan time)."
        ),
    )
)
