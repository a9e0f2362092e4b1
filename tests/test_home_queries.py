"""The home page costs the same number of queries however much data the portal holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cocreation.notifications import services
from tests import factories

pytestmark = pytest.mark.django_db


def _grow(n: int, start: int = 0) -> None:
    from cocreation.organisations.models import Organisation

    for i in range(start, start + n):
        company = Organisation.objects.create(kind="company", name=f"株式会社テスト{i}")
        factories.make_member(company, email=f"member{i}@test{i}.example.jp")


def _count(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_anonymous_home_query_count_is_fixed(client):
    _grow(3)
    few, html = _count(client)
    _grow(30, start=3)
    many, _ = _count(client)
    assert "官民共創ポータル" in html
    assert many == few


def test_staff_home_query_count_is_fixed(client, staff_user, koriyama, tamura):
    from tests.quests import factories as quest_factories

    client.force_login(staff_user)
    _grow(3)
    # One of each kind of row first: prefetches are skipped while a list is empty.
    quest_factories.make_quest(koriyama, title="最初のクエスト")
    few, html = _count(client)
    assert "郡山市" in html
    # More organisations, more memberships and notifications for this very user.
    _grow(30, start=3)
    from cocreation.organisations.models import Membership

    Membership.objects.create(user=staff_user, organisation=tamura, role="member", status="active")
    for i in range(12):
        services.notify(
            staff_user,
            "membership.approved",
            None,
            context={"organisation": f"団体{i}", "decider": "x"},
            key=f"home-{i}",
            email=False,
        )
    for i in range(8):
        quest = quest_factories.make_quest(koriyama, title=f"募集中のクエスト{i}")
        quest_factories.add_to_team(quest, staff_user, koriyama)
    many, html = _count(client)
    assert "田村市" in html
    assert "募集中のクエスト7" in html  # the home page lists quests accepting proposals
    assert many == few
