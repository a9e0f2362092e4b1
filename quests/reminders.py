"""Proposal-deadline reminders, 7 days and 1 day before, to the quest team and to the
members of companies whose proposal is still a draft. The one reminder runner
(cocreation.notifications.reminders) asks this source what is due and sends each once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.dates import Rendered, jdate
from cocreation.notifications.reminders import Due, reminder_source
from cocreation.organisations.models import Membership

from .models import Proposal, Quest, TeamMember

# (label, the window of days left it covers). A run that was missed is caught up: the
# 7-day reminder goes out while 2–7 days are left, the 1-day one while 0–1 are left.
REMINDERS = [("7d", 2, 7), ("1d", 0, 1)]

TEAM_ADVICE = _("Check the proposals received so far and answer open questions.")
DRAFT_ADVICE = _("Your company's proposal is still a draft: submit it before the deadline.")


@reminder_source("quests.deadline_reminders")
def deadline_reminders(now: dt.datetime) -> Iterator[Due]:
    """The deadline reminders due at `now` (aware): for each open quest whose deadline is
    0–7 days after today (the site's zone), one per team member and per active member of
    a company with a draft proposal. The key names the deadline, so a moved deadline is
    reminded again."""
    today = timezone.localdate(now)
    quests = list(
        Quest.objects.filter(
            state=Quest.State.OPEN,
            proposal_deadline__gte=today,
            proposal_deadline__lte=today + dt.timedelta(days=7),
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
    company_ids = {p.company_id for q in quests for p in q.draft_proposals}
    members_by_company: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation_id__in=company_ids, status=Membership.Status.ACTIVE
    ).select_related("user"):
        members_by_company.setdefault(membership.organisation_id, []).append(membership.user)
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
            yield Due(
                user,
                "quest.deadline_reminder",
                quest,
                # With the deadline in the key: a moved deadline is reminded again.
                key=(
                    f"quest.deadline_reminder|{quest.pk}|{user.pk}|{label}|"
                    f"{quest.proposal_deadline.isoformat()}"
                ),
                context={
                    "quest": quest.title,
                    "deadline": Rendered(jdate, quest.proposal_deadline),
                    "days": days_left,
                    "advice": advice,
                },
                url=quest.get_absolute_url(),
            )
