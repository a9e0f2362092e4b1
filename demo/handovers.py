"""Demo data of issue 14's handover (人事異動): a Koriyama staff member on the team of
Koriyama's draft quest who moved department on 1 April, whose roles wait for a successor.

The person is fictional; the room is the Big-i co-working room of the source documents.
(The food-loss quest's team stays the six of the press release.)"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cocreation.core.dates import fiscal_year
from cocreation.organisations.models import Handover, Membership, Organisation
from cocreation.organisations.services import handover_open
from demo import organisations as org_demo
from demo.quests import KORIYAMA_DRAFT_TITLE, _member, _user
from quests.models import Quest, TeamMember
from spaces.models import Space

MOVER_EMAIL = f"h.ueno@{org_demo.KORIYAMA_DOMAIN}"
BEFORE = "産業観光部 観光課"
AFTER = "財務部 財政課"


def load_handovers_demo(*, with_passwords: bool, today: dt.date) -> dict[str, int]:
    """上野 隼人 of 郡山市, on the team of Koriyama's draft quest (子育て支援情報の圏域一元
    発信) and a named coordinator of the Big-i room, moved from 産業観光部 観光課 to 財務部 財政課 on 1 April of the current
    fiscal year; the handover waits for the coordinator to choose successors. Safe to
    repeat; returns how many handovers were made."""
    with transaction.atomic():
        koriyama = Organisation.objects.get(local_government_code="072036")
        if Handover.objects.filter(organisation=koriyama, person__email=MOVER_EMAIL).exists():
            return {"handovers": 0}
        mover = _user(
            MOVER_EMAIL,
            with_passwords=with_passwords,
            family_name="上野",
            given_name="隼人",
            family_name_kana="ウエノ",
            given_name_kana="ハヤト",
            department=AFTER,
            position="主査",
        )
        _member(mover, koriyama, AFTER, "主査")
        quest = Quest.objects.filter(title=KORIYAMA_DRAFT_TITLE, host=koriyama).first()
        if quest is not None:
            TeamMember.objects.get_or_create(
                quest=quest, user=mover, defaults={"organisation": koriyama}
            )
        for space in Space.objects.filter(host=koriyama, is_active=True).order_by("pk")[:1]:
            space.coordinators.add(mover)
        coordinator = (
            Membership.objects.filter(user__email=org_demo.COORDINATOR_EMAIL, organisation=koriyama)
            .select_related("user")
            .first()
        )
        handover = handover_open(
            organisation=koriyama,
            person=mover,
            reason=Handover.Reason.DEPARTMENT,
            moved_on=dt.date(fiscal_year(today), 4, 1),
            from_department=BEFORE,
            to_department=AFTER,
            recorded_by=coordinator.user if coordinator else None,
            email=False,
        )
    return {"handovers": int(handover is not None)}
