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
