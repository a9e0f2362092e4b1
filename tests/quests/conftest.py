"""Quest fixtures: the food-loss quest hosted by 郡山市, its team and two companies."""

import pytest

from quests.models import Kpi, Proposal, Quest, TeamMember, Trial
from tests import factories
from tests.quests import factories as quest_factories


@pytest.fixture
def quest(koriyama, staff_user):
    """Open for proposals, deadline in 14 days; staff_user (郡山市) leads the team."""
    quest = quest_factories.make_quest(koriyama, created_by=staff_user)
    quest_factories.add_to_team(quest, staff_user, koriyama, TeamMember.Role.LEADER)
    return quest


@pytest.fixture
def draft_quest(koriyama, staff_user):
    return quest_factories.make_quest(
        koriyama, state=Quest.State.DRAFT, title="子育て支援アプリの検討", created_by=staff_user
    )


@pytest.fixture
def tamura_staff(tamura):
    """Staff of another municipality of the region (田村市), not on any team yet."""
    return factories.make_member(tamura, email="staff@city.tamura.example.jp", family="大川原")


@pytest.fixture
def other_company(db):
    return factories.make_company("株式会社みらいデジタル")


@pytest.fixture
def other_company_user(other_company):
    return factories.make_member(other_company, email="member@mirai-digital.example.com")


@pytest.fixture
def proposal(quest, company, company_user):
    return quest_factories.make_proposal(quest, company, company_user)


@pytest.fixture
def trial(quest, company, company_user):
    """The quest in trial with 株式会社フードシェア福島's adopted proposal and one KPI."""
    proposal = quest_factories.make_proposal(
        quest, company, company_user, state=Proposal.State.ADOPTED
    )
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.IN_TRIAL)
    quest.refresh_from_db()
    trial = Trial.objects.create(quest=quest, proposal=proposal)
    Kpi.objects.create(trial=trial, name="食品ロス削減量", unit="kg", target=5000, actual=3200)
    return trial
