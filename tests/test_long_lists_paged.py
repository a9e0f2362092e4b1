"""Lists that grow with a national deployment are paged or bounded (issue 12): a site
admin's membership requests (1,914 on one page, 3 MB, 1.6 s), the cohorts (200 cards),
and the rooms offered for a study session (1,000 for a site admin)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.organisations.models import Membership
from studygroups.models import Cohort, Programme, Session
from studygroups.selectors import sessions as session_selectors
from tests import factories
from tests.spaces.conftest import make_space

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def _pending(company, n: int) -> list[Membership]:
    for i in range(n):
        factories.make_member(company, email=f"applicant{i}@example.com", status="pending")
    return list(Membership.objects.filter(status="pending").order_by("created_at", "pk"))


def test_membership_requests_come_a_page_at_a_time(client, site_admin, company):
    requests = _pending(company, 25)
    client.force_login(site_admin)
    first = client.get(reverse("organisations:requests")).content.decode()
    assert "25件の申請が待っています" in first and 'rel="next"' in first
    assert first.count('class="card"') == 20
    second = client.get(reverse("organisations:requests"), {"page": 2}).content.decode()
    assert second.count('class="card"') == 5
    assert requests[-1].user.email in second and requests[-1].user.email not in first


def test_a_refused_decision_on_a_later_page_keeps_its_form_in_sight(client, site_admin, company):
    last = _pending(company, 25)[-1]
    client.force_login(site_admin)
    response = client.post(
        reverse("organisations:decide", args=[last.pk]),
        {f"m{last.pk}-decision": "decline", f"m{last.pk}-note": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert last.user.email in page and "理由を入力してください" in page
    last.refresh_from_db()
    assert last.status == "pending"


def _cohorts(organiser, n: int) -> None:
    programme = Programme.objects.create(name=f"研究塾{n}", organiser=organiser)
    Cohort.objects.bulk_create(
        Cohort(programme=programme, fiscal_year=2000 + i, title=f"研究塾 {2000 + i}", theme="")
        for i in range(n)
    )


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_cohort_list_is_paged_and_costs_the_same_at_two_sizes(client, staff_user, koriyama):
    url = reverse("studygroups:list")
    client.force_login(staff_user)
    _cohorts(koriyama, 3)
    client.get(url)
    few = _queries(client, url)
    Cohort.objects.all().delete()
    _cohorts(koriyama, 25)
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert page.count('<li class="card">') == 20 and "研究塾 2024" in page
    older = client.get(url, {"page": 2}).content.decode()
    assert older.count('<li class="card">') == 5 and "研究塾 2000" in older


def test_a_session_offers_the_rooms_of_its_cohorts_municipalities(
    client, coordinator_user, koriyama, tamura, region, monkeypatch
):
    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(programme=programme, fiscal_year=2030, title="研究塾 2030")
    cohort.organisations.set([koriyama])
    cohort.coordinators.add(coordinator_user)
    session = Session.objects.create(
        cohort=cohort,
        kind="plenary",
        title="全体会",
        starts_at=dt.datetime(2030, 7, 24, 14, tzinfo=TOKYO),
        ends_at=dt.datetime(2030, 7, 24, 16, tzinfo=TOKYO),
    )
    own = [make_space(koriyama, name=f"郡山の部屋{i}", regions=[region]) for i in range(2)]
    make_space(tamura, name="田村の部屋", regions=[region])
    client.force_login(coordinator_user)
    url = reverse("studygroups:session", args=[session.pk])
    page = client.get(url).content.decode()
    # The cohort's own rooms first, then the others the coordinator may book.
    assert page.index("郡山の部屋0") < page.index("郡山の部屋1") < page.index("田村の部屋")
    assert 'id="space-more"' not in page
    monkeypatch.setattr(session_selectors, "ROOMS_OFFERED_MAX", 1)
    page = client.get(url).content.decode()
    assert "郡山の部屋0" in page and "郡山の部屋1" not in page and "田村の部屋" not in page
    assert "表示しているのは1件のスペースだけです" in page
    assert all(f'value="{room.pk}"' in page or room.name != "郡山の部屋0" for room in own)


def test_a_decision_on_a_later_page_returns_to_that_page(client, site_admin, company):
    last = _pending(company, 25)[-1]
    client.force_login(site_admin)
    page = client.get(reverse("organisations:requests"), {"page": 2}).content.decode()
    action = f"{reverse('organisations:decide', args=[last.pk])}?page=2"
    assert f'action="{action}"' in page
    response = client.post(action, {f"m{last.pk}-decision": "approve", f"m{last.pk}-note": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('organisations:requests')}?page=2"
    last.refresh_from_db()
    assert last.status == "active"
