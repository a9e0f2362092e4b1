"""The dashboards' search for a municipality's dashboard (issue 12): at national size some
1,700 municipalities host a public quest, so the portal and region dashboards show 50 a
page and find a municipality by name, reading, code or prefecture, instead of one link
each on every view (the signed-in portal dashboard took 106 ms at national size, 8 × its
demo-data cost)."""

import re

import pytest
from django.urls import reverse

from portal import views
from tests import factories
from tests.quests import factories as quest_factories

pytestmark = pytest.mark.django_db


def _code(number: int) -> str:
    """A 地方公共団体コード-shaped code in a block the demo never uses (07 + 3 + check)."""
    return f"07{number:03d}0"


PER_PAGE = 5


@pytest.fixture
def hosts(region, monkeypatch):
    """12 municipalities hosting an open quest, every fifth in 宮城県, the first four in
    the region; and one hosting only a draft, which must never be listed. Five a page
    (the portal shows 50; the rule is the same)."""
    monkeypatch.setattr(views, "MUNICIPALITIES_PAGE_SIZE", PER_PAGE)
    made = []
    for number in range(1, 13):
        municipality = factories.make_municipality(
            f"試験市{number:02d}",
            _code(number),
            domain=None,
            prefecture="宮城県" if number % 5 == 0 else "福島県",
            regions=[region] if number <= 4 else [],
        )
        quest_factories.make_quest(municipality, title=f"課題{number}")
        made.append(municipality)
    drafty = factories.make_municipality("下書町", _code(99), domain=None)
    quest_factories.make_quest(drafty, state="draft", title="下書き")
    return made


def _listed(response) -> list[str]:
    section = response.content.decode().split('id="municipalities-title"')[1]
    section = section.split("</section>")[0]
    return re.findall(r"/dashboard/municipalities/(\d{6})/", section)


def test_the_portal_dashboard_lists_a_page_at_a_time_in_code_order(client, hosts):
    assert views.MUNICIPALITIES_PAGE_SIZE == PER_PAGE
    first = client.get(reverse("dashboard:portal"))
    assert first.status_code == 200
    listed = _listed(first)
    assert listed == [_code(n) for n in range(1, PER_PAGE + 1)]
    page = first.content.decode()
    assert "12自治体" in page
    assert 'rel="next"' in page
    second = _listed(client.get(reverse("dashboard:portal"), {"page": 2}))
    last = _listed(client.get(reverse("dashboard:portal"), {"page": 3}))
    assert second + last == [_code(n) for n in range(PER_PAGE + 1, 13)]
    assert _code(99) not in listed + second + last


def test_a_municipality_is_found_by_name_code_and_prefecture(client, hosts):
    url = reverse("dashboard:portal")
    assert _listed(client.get(url, {"q": "試験市07"})) == [_code(7)]
    assert _listed(client.get(url, {"q": _code(12)})) == [_code(12)]
    assert _listed(client.get(url, {"prefecture": "宮城県"})) == [_code(5), _code(10)]
    both = {"q": "試験市", "prefecture": "宮城県"}
    assert _listed(client.get(url, both)) == [_code(5), _code(10)]
    assert _listed(client.get(url, {"q": "下書町"})) == []


def test_the_region_dashboard_finds_only_its_members(client, hosts, region):
    url = reverse("dashboard:region", args=[region.slug])
    assert _listed(client.get(url)) == [_code(n) for n in range(1, 5)]
    assert _listed(client.get(url, {"q": "試験市11"})) == []


@pytest.mark.parametrize(
    "query",
    [
        {"q": "郡山\x00市"},
        {"q": "x" * 101},
        {"prefecture": "火星"},
        {"page": "abc"},
        {"page": "99999"},
        {"q": "\u202e試験"},
    ],
)
def test_hostile_searches_keep_the_form_and_say_why_beside_the_field(client, hosts, query):
    response = client.get(reverse("dashboard:portal"), query)
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("q", "prefecture"):
        if name in query:
            assert f'id="id_{name}_error"' in page
            assert "errorlist" in page
    # The refused condition is left out: the list is still there, and one link clears it.
    if "q" in query or "prefecture" in query:
        assert ">クリア<" in page
    assert len(_listed(response)) in (PER_PAGE, 12 % PER_PAGE)


def test_the_search_is_labelled_and_works_without_javascript(client, hosts):
    page = client.get(reverse("dashboard:portal"), {"q": "試験市0"}).content.decode()
    assert re.search(r'<form method="get"[^>]*role="search"', page)
    assert '<label for="id_q">' in page and '<label for="id_prefecture">' in page
    assert 'value="試験市0"' in page
