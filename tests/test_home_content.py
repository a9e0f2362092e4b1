"""What the home page lists: quests open for proposals (to everyone) and a member's next
study sessions (their team's and their whole cohort's, not other teams')."""

import datetime as dt

import pytest
from django.utils import timezone

from studygroups.models import Cohort, Field, Member, Programme, Session, Team
from tests import factories
from tests.quests import factories as quest_factories

pytestmark = pytest.mark.django_db


def test_everyone_sees_the_quests_accepting_proposals_soonest_first(client, koriyama):
    quest_factories.make_quest(koriyama, title="締切の遅いクエスト", deadline_in_days=30)
    quest_factories.make_quest(koriyama, title="締切の近いクエスト", deadline_in_days=3)
    quest_factories.make_quest(koriyama, title="下書きのクエスト", state="draft")
    quest_factories.make_quest(koriyama, title="締切を過ぎたクエスト", deadline_in_days=-1)
    page = client.get("/").content.decode()
    assert page.index("締切の近いクエスト") < page.index("締切の遅いクエスト")
    assert "下書きのクエスト" not in page
    assert "締切を過ぎたクエスト" not in page


def test_a_member_sees_their_teams_and_cohorts_next_sessions_only(client, koriyama):
    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme, fiscal_year=2026, title="研究塾 2026", theme="広域連携"
    )
    field = Field.objects.create(cohort=cohort, name="DX")
    mine, other = (Team.objects.create(cohort=cohort, number=n, field=field) for n in (1, 2))
    user = factories.make_member(koriyama, email="member@city.koriyama.lg.jp")
    Member.objects.create(
        cohort=cohort,
        user=user,
        organisation=koriyama,
        status="accepted",
        team=mine,
        team_role="member",
    )
    soon = timezone.now() + dt.timedelta(days=2)

    def session(title, team, days=0):
        start = soon + dt.timedelta(days=days)
        Session.objects.create(
            cohort=cohort,
            team=team,
            kind="team_meeting",
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )

    session("1班の班会議", mine)
    session("全体会", None, days=1)
    session("2班の班会議", other)
    session("過去の班会議", mine, days=-10)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "1班の班会議" in page and "全体会" in page
    assert "2班の班会議" not in page and "過去の班会議" not in page

    client.force_login(factories.make_member(koriyama, email="other@city.koriyama.lg.jp"))
    assert "1班の班会議" not in client.get("/").content.decode()
