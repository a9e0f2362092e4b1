"""Proposal-deadline reminders: 7 days and 1 day before, to the team and to companies
whose proposal is still a draft. Each is sent once (the notification key says so)."""

from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cocreation.notifications.models import Notification
from cocreation.notifications.services import notify
from cocreation.organisations.models import Membership
from cocreation.templatetags.portal import jdate

from ..models import Proposal, Quest, TeamMember

# (label, the window of days left it covers). A run that was missed is caught up: the
# 7-day reminder goes out while 2–7 days are left, the 1-day one while 0–1 are left.
REMINDERS = [("7d", 2, 7), ("1d", 0, 1)]

TEAM_ADVICE = _("Check the proposals received so far and answer open questions.")
DRAFT_ADVICE = _("Your company's proposal is still a draft: submit it before the deadline.")


class _Deadline:
    """Formats the deadline in each recipient's language when notify() renders it."""

    def __init__(self, day: date):
        self.day = day

    def __str__(self) -> str:
        return jdate(self.day)


def send_deadline_reminders(*, today: date) -> int:
    sent = 0
    quests = (
        Quest.objects.filter(
            state=Quest.State.OPEN,
            proposal_deadline__gte=today,
            proposal_deadline__lte=today.fromordinal(today.toordinal() + 7),
        )
        .prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.select_related("user")),
            Prefetch(
                "proposals",
                queryset=Proposal.objects.filter(state=Proposal.State.DRAFT),
                to_attr="draft_proposals",
            ),
        )
        .order_by("pk")
    )
    quests = list(quests)
    company_ids = {p.company_id for q in quests for p in q.draft_proposals}
    members_by_company: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation_id__in=company_ids, status=Membership.Status.ACTIVE
    ).select_related("user"):
        members_by_company.setdefault(membership.organisation_id, []).append(membership.user)
    planned = []
    for quest in quests:
        days_left = (quest.proposal_deadline - today).days
        label = next((name for name, low, high in REMINDERS if low <= days_left <= high), None)
        if label is None:
            continue
        recipients = {m.user.pk: (m.user, TEAM_ADVICE) for m in quest.team.all()}
        for proposal in quest.draft_proposals:
            for user in members_by_company.get(proposal.company_id, []):
                recipients.setdefault(user.pk, (user, DRAFT_ADVICE))
        for user, advice in recipients.values():
            # With the deadline in the key: a moved deadline is reminded again.
            key = (
                f"quest.deadline_reminder|{quest.pk}|{user.pk}|{label}|"
                f"{quest.proposal_deadline.isoformat()}"
            )
            planned.append((key, quest, user, advice, days_left))
    already = set(
        Notification.objects.filter(key__in=[p[0] for p in planned]).values_list("key", flat=True)
    )
    for key, quest, user, advice, days_left in planned:
        if key in already:
            continue
        # notify() is idempotent by key too, so two overlapping runs still send once.
        notify(
            user,
            "quest.deadline_reminder",
            quest,
            context={
                "quest": quest.title,
                "deadline": _Deadline(quest.proposal_deadline),
                "days": days_left,
                "advice": advice,
            },
            url=quest.get_absolute_url(),
            key=key,
        )
        sent += 1
    return sent
