"""Issue 13 part 6: the digest also lists new proposal desks and review board results
(minutes published), matched by the desk's municipality, its networks and its themes;
never a proposal that was not adopted, nor a confidential part."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cocreation.notifications.models import Notification
from quests.models import AgendaItem, BoardSession, OpenProposal, ProposalDesk, Theme
from quests.services import follows as services

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=JST)
SUNDAY_NOON = dt.datetime(2026, 11, 29, 12, 0, tzinfo=JST)


def _digest(user) -> str:
    return Notification.objects.get(kind="quest.follow_digest", recipient=user).body


def test_a_new_desk_reaches_those_who_follow_its_town_or_network(company_user, koriyama, region):
    desk = ProposalDesk.objects.create(
        name="郡山共創窓口", host=koriyama, intake_text="何でも", board_rules="毎月"
    )
    ProposalDesk.objects.filter(pk=desk.pk).update(created_at=SUNDAY_NOON)
    services.follow_add(user=company_user, kind="region", target_id=region.pk)
    services.digest_frequency_set(user=company_user, frequency="daily")
    assert services.digests_send(now=NOW) == {"daily": 1, "weekly": 0}
    body = _digest(company_user)
    assert "郡山共創窓口" in body and f"/quests/desks/{desk.pk}/" in body
    assert "<" not in body


def test_published_minutes_reach_followers_with_counts_only(
    company_user, koriyama, other_company_user
):
    theme, _ = Theme.objects.get_or_create(slug="dx", defaults={"name": "DX"})
    desk = ProposalDesk.objects.create(
        name="よこらぼ", host=koriyama, intake_text="何でも", board_rules="毎月"
    )
    desk.themes.add(theme)
    ProposalDesk.objects.filter(pk=desk.pk).update(created_at=NOW - dt.timedelta(days=30))
    session = BoardSession.objects.create(
        desk=desk, held_on=dt.date(2026, 11, 18), minutes="審査を行った", published_at=SUNDAY_NOON
    )
    company = other_company_user.memberships.first().organisation
    for n, decision in enumerate(["adopted", "not_adopted"]):
        proposal = OpenProposal.objects.create(
            desk=desk,
            organisation=company,
            submitted_by=other_company_user,
            title=f"見送られた秘密の提案{n}" if decision != "adopted" else "採択された提案",
            summary="要旨",
            approach="方法",
            benefit_town="町",
            benefit_residents="住民",
            benefit_proposer="提案者",
            confidential="社外秘の単価",
            state=decision,
            decision_reason="理由",
        )
        AgendaItem.objects.create(
            session=session, proposal=proposal, decision=decision, decided_at=SUNDAY_NOON
        )
    services.follow_add(user=company_user, kind="theme", target_id=theme.pk)
    services.digest_frequency_set(user=company_user, frequency="daily")
    services.digests_send(now=NOW)
    body = _digest(company_user)
    assert "よこらぼ 2026年11月18日(水)" in body
    assert "2件中1件" in body
    assert f"/quests/desks/{desk.pk}/sessions/{session.pk}/minutes/" in body
    assert "秘密" not in body and "社外秘" not in body
