"""The public dashboard (issue 13, part 5): figures by fiscal year from known data, the
open data (code first, CSV and JSON agree), accessible SVG charts, a fixed number of
queries however much data there is, and nothing of drafts or cancelled quests."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreation.core.dates import fiscal_year
from portal.selectors import dashboard
from quests.models import Proposal, Quest, Trial, TrialTransition
from tests import factories
from tests.quests import factories as quest_factories

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def _at(*args):
    return dt.datetime(*args, tzinfo=JST)


S, A, D, W = "submitted", "adopted", "draft", "withdrawn"


class World:
    """Known data: five counted quests in three municipalities, two in one region, and a
    draft and a cancelled quest that must not count."""

    def __init__(self, region, koriyama, tamura):
        self.region, self.koriyama, self.tamura = region, koriyama, tamura
        self.bandai = factories.make_municipality(
            "磐梯町", "074071", domain="town.bandai.example.jp"
        )
        self.companies = [factories.make_company(f"株式会社テスト{i}") for i in range(3)]
        self.user = factories.make_member(self.companies[0], email="c0@example.com")
        self.n = 0

    def quest(self, host, state, opened_at):
        self.n += 1
        quest = quest_factories.make_quest(host, state=state, title=f"課題{self.n}")
        Quest.objects.filter(pk=quest.pk).update(opened_at=opened_at)
        return quest

    def proposals(self, quest, *states):
        made = [
            quest_factories.make_proposal(quest, self.companies[i], self.user, state=state)
            for i, state in enumerate(states)
        ]
        return made

    def trial(self, quest, proposal, starts_on, *adoptions):
        Trial.objects.create(quest=quest, proposal=proposal, starts_on=starts_on)
        for year, outcome in adoptions:
            TrialTransition.objects.create(
                quest=quest,
                fiscal_year=year,
                outcome=outcome,
                reason="理由" if outcome == "not_continued" else "",
            )

    def build(self):
        a = self.quest(self.koriyama, "in_trial", _at(2020, 12, 1, 10))
        adopted, *_rest = self.proposals(a, A, S, S)
        quest_factories.make_proposal(a, factories.make_company("下書き社"), self.user, state=D)
        quest_factories.make_proposal(a, factories.make_company("取下げ社"), self.user, state=W)
        self.trial(a, adopted, dt.date(2020, 12, 18), (2021, "adopted"))

        b = self.quest(self.koriyama, "completed", _at(2021, 5, 10, 9))
        (adopted,) = self.proposals(b, A)
        self.trial(b, adopted, dt.date(2021, 8, 9), (2022, "extended"), (2023, "not_continued"))

        # Opened at 23:30 JST on 31 March: still 2020年度 (in UTC it is the same day).
        c = self.quest(self.tamura, "open", _at(2021, 3, 31, 23, 30))
        self.proposals(c, S, S)

        # Opened at 00:10 JST on 1 April: 2021年度, although it is still 31 March in UTC.
        d = self.quest(self.tamura, "in_trial", _at(2021, 4, 1, 0, 10))
        (adopted,) = self.proposals(d, A)
        self.trial(d, adopted, dt.date(2021, 6, 1), (2021, "adopted"), (2022, "adopted"))

        f = self.quest(self.bandai, "completed", _at(2022, 6, 1, 10))
        (adopted,) = self.proposals(f, A)
        self.trial(f, adopted, dt.date(2022, 9, 1), (2023, "adopted"))

        # Never counted: a cancelled quest and a draft, with proposals, trial, adoption.
        g = self.quest(self.koriyama, "cancelled", _at(2020, 6, 1, 10))
        (adopted,) = self.proposals(g, A)
        self.trial(g, adopted, dt.date(2020, 7, 1), (2020, "adopted"))
        h = self.quest(self.koriyama, "draft", _at(2020, 5, 1, 10))
        (adopted,) = self.proposals(h, A)
        self.trial(h, adopted, dt.date(2020, 7, 1), (2020, "adopted"))
        return self


@pytest.fixture
def world(region, koriyama, tamura):
    return World(region, koriyama, tamura).build()


def _row(quests, proposals, trials, trials_adopted, median, adoptions, per_quest, rate):
    return {
        "quests_posted": quests,
        "proposals": proposals,
        "trials_started": trials,
        "trials_adopted": trials_adopted,
        "median_days": None if median is None else Decimal(median),
        "adoptions": adoptions,
        "proposals_per_quest": None if per_quest is None else Decimal(per_quest),
        "adoption_rate": None if rate is None else Decimal(rate),
        "open_proposals": 0,
        "open_adopted": 0,
        "open_adoption_rate": None,
        # Issue 14: reuses by other municipalities (none in this world).
        "results_reused": 0,
        "reuse_adopted": 0,
    }


ZERO = _row(0, 0, 0, 0, None, 0, None, None)
THIS_YEAR = fiscal_year(timezone.localdate())

PORTAL = {
    2020: _row(2, 5, 1, 1, "17.0", 0, "2.50", "100.0"),
    2021: _row(2, 2, 2, 1, "76.0", 2, "1.00", "50.0"),
    2022: _row(1, 1, 1, 1, "92.0", 0, "1.00", "100.0"),
    2023: _row(0, 0, 0, 0, None, 1, None, None),
}
REGION = {
    2020: _row(2, 5, 1, 1, "17.0", 0, "2.50", "100.0"),
    2021: _row(2, 2, 2, 1, "76.0", 2, "1.00", "50.0"),
}
KORIYAMA = {
    2020: _row(1, 3, 1, 1, "17.0", 0, "3.00", "100.0"),
    2021: _row(1, 1, 1, 0, "91.0", 1, "1.00", "0.0"),
}
TAMURA = {
    2020: _row(1, 2, 0, 0, None, 0, "2.00", None),
    2021: _row(1, 1, 1, 1, "61.0", 1, "1.00", "100.0"),
}


def _years(scope):
    return dict(dashboard.with_years(scope).years)


@pytest.mark.parametrize(
    ("which", "expected"),
    [("portal", PORTAL), ("region", REGION), ("koriyama", KORIYAMA), ("tamura", TAMURA)],
)
def test_figures_by_fiscal_year_from_known_data(world, which, expected):
    scope = {
        "portal": dashboard.portal_scope,
        "region": lambda: dashboard.region_scope(world.region),
        "koriyama": lambda: dashboard.municipality_scope(world.koriyama),
        "tamura": lambda: dashboard.municipality_scope(world.tamura),
    }[which]()
    years = _years(scope)
    assert list(years) == list(range(2020, THIS_YEAR + 1))
    for year, values in years.items():
        assert values == expected.get(year, ZERO), year


def _open_data(client, name, *args):
    csv_response = client.get(reverse(f"dashboard:{name}_csv", args=args))
    json_response = client.get(reverse(f"dashboard:{name}_json", args=args))
    assert csv_response.status_code == json_response.status_code == 200
    text = b"".join(csv_response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    items = json.loads(b"".join(json_response.streaming_content))
    return table, items


def test_open_data_rows_start_with_the_code_and_csv_and_json_agree(client, world):
    table, items = _open_data(client, "portal")
    header, *rows = table
    assert header[:5] == ["全国地方公共団体コード", "集計単位", "地域ID", "名称", "年度"]
    assert "本格導入数" in header and "本格導入率（％）" in header
    keys = dashboard.open_data_keys()
    assert len(rows) == len(items)
    for row, item in zip(rows, items, strict=True):
        assert list(item) == keys
        expected = ["" if item[k] is None else str(item[k]) for k in keys]
        assert row == expected
    by_level = {}
    for item in items:
        by_level.setdefault(item["level"], []).append(item)
    assert {i["code"] for i in by_level["portal"]} == {""}
    assert {(i["code"], i["region"]) for i in by_level["region"]} == {("", "koriyama-wide-area")}
    assert {i["code"] for i in by_level["municipality"]} == {"072036", "072117", "074071"}
    koriyama_2021 = next(
        i for i in by_level["municipality"] if i["code"] == "072036" and i["fiscal_year"] == 2021
    )
    assert koriyama_2021["median_days"] == 91.0 and koriyama_2021["adoptions"] == 1
    portal_2020 = next(i for i in by_level["portal"] if i["fiscal_year"] == 2020)
    assert portal_2020["proposals_per_quest"] == 2.5 and portal_2020["adoption_rate"] == 100.0
    # A region's data: its total and its municipalities only.
    _table, items = _open_data(client, "region", "koriyama-wide-area")
    assert {i["code"] for i in items} == {"", "072036", "072117"}
    _table, items = _open_data(client, "municipality", "072117")
    assert {i["code"] for i in items} == {"072117"}
    assert [i["fiscal_year"] for i in items] == list(range(2020, THIS_YEAR + 1))


class Svg(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.current, self.stack = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.current = {"attrs": attrs, "title": "", "desc": "", "texts": [], "ids": {}}
            self.svgs.append(self.current)
        if self.current is not None:
            self.stack.append(tag)
            if "id" in attrs:
                self.current["ids"][attrs["id"]] = tag

    def handle_endtag(self, tag):
        if self.current is not None and self.stack:
            self.stack.pop()
            if tag == "svg":
                self.current = None

    def handle_data(self, data):
        if self.current is not None and self.stack:
            tag = self.stack[-1]
            if tag in ("title", "desc"):
                self.current[tag] += data
            elif tag == "text":
                self.current["texts"].append(data)


def test_charts_are_accessible_svg_beside_a_table_without_javascript(client, world):
    response = client.get(reverse("dashboard:portal"))
    page = response.content.decode()
    assert "<script" not in page
    assert "<table" in page and "<caption>" in page
    parser = Svg()
    parser.feed(page)
    assert len(parser.svgs) == 6
    for svg in parser.svgs:
        assert svg["attrs"]["role"] == "img"
        title_id, desc_id = svg["attrs"]["aria-labelledby"].split()
        assert svg["ids"][title_id] == "title" and svg["ids"][desc_id] == "desc"
        assert svg["title"] and "2020年度" in svg["desc"]
        # Every year is labelled and every bar carries its value in text.
        years = THIS_YEAR - 2020 + 1
        assert len(svg["texts"]) == 2 * years
        assert "2020年度" in svg["texts"]
    posted = parser.svgs[0]
    assert "2020年度: 2" in posted["desc"] and posted["texts"][:2] == ["2", "2020年度"]


def test_pages_answer_everyone_and_unknown_places_are_404(client, world, staff_user):
    for url in (
        reverse("dashboard:portal"),
        reverse("dashboard:region", args=["koriyama-wide-area"]),
        reverse("dashboard:municipality", args=["072036"]),
    ):
        assert client.get(url).status_code == 200
    for url in (
        reverse("dashboard:region", args=["nowhere"]),
        reverse("dashboard:municipality", args=["999999"]),
        reverse("dashboard:municipality", args=["abc"]),
        reverse("dashboard:municipality_csv", args=["12"]),
    ):
        assert client.get(url).status_code == 404
    client.force_login(staff_user)
    assert client.get(reverse("dashboard:portal")).status_code == 200


def test_drafts_and_cancelled_quests_never_show(client, world):
    page = client.get(reverse("dashboard:portal")).content.decode()
    assert "課題6" not in page and "課題7" not in page
    _table, items = _open_data(client, "portal")
    assert min(i["fiscal_year"] for i in items) == 2020
    # The cancelled and draft quests' 2020 adoptions are not counted anywhere.
    assert sum(i["adoptions"] for i in items if i["level"] == "portal") == 3


def _grow(world, n):
    for _i in range(n):
        quest = world.quest(world.koriyama, "completed", _at(2023, 7, 1, 10))
        (adopted,) = world.proposals(quest, "adopted")
        world.trial(quest, adopted, dt.date(2023, 10, 1), (2024, "adopted"))
        other = world.quest(
            factories.make_municipality(
                f"テスト町{world.n}", f"0{world.n:04d}9"[:6], domain=None, regions=[world.region]
            ),
            "open",
            _at(2024, 5, 1, 10),
        )
        world.proposals(other, "submitted", "submitted")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    "name,args",
    [
        ("portal", []),
        ("portal_csv", []),
        ("region", ["koriyama-wide-area"]),
        ("region_json", ["koriyama-wide-area"]),
        ("municipality", ["072036"]),
    ],
)
def test_queries_do_not_grow_with_data(client, world, settings, name, args):
    settings.PAGE_CACHE_SECONDS = 0
    url = reverse(f"dashboard:{name}", args=args)
    small = _queries(client, url)
    _grow(world, 8)
    large = _queries(client, url)
    assert small == large, (small, large)
    # One query per source and level (a region's desks: two), the names, the session.
    assert small <= 23


def test_anonymous_pages_are_kept_and_forgotten_on_a_write(client, world, settings):
    url = reverse("dashboard:portal")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 0
    TrialTransition.objects.create(
        quest=Quest.objects.get(title="課題2"), fiscal_year=2024, outcome="adopted"
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) > 0


def test_proposal_count_ignores_drafts_and_withdrawn(world):
    assert Proposal.objects.filter(quest__title="課題1").count() == 5
    assert _years(dashboard.municipality_scope(world.koriyama))[2020]["proposals"] == 3


def test_open_proposals_count_for_the_desks_municipality_its_regions_and_its_network(world, region):
    """よこらぼ-style proposals: counted by the fiscal year they were sent, adopted ones
    among them, and the rate; a municipality's desk counts for its regions too, a
    network's desk for the network only. Counts only: never a title."""
    from quests.models import OpenProposal, ProposalDesk

    town_desk = ProposalDesk.objects.create(
        name="郡山の窓口", host=world.koriyama, intake_text="何でも", board_rules="毎月"
    )
    network_desk = ProposalDesk.objects.create(
        name="圏域の窓口", region=region, intake_text="何でも", board_rules="毎月"
    )
    sent = [
        (town_desk, _at(2021, 4, 1, 9), "adopted"),
        (town_desk, _at(2022, 3, 31, 23), "declined"),
        (town_desk, _at(2022, 4, 1, 0), "submitted"),
        (network_desk, _at(2021, 6, 1, 9), "adopted"),
    ]
    for n, (desk, when, state) in enumerate(sent):
        proposal = OpenProposal.objects.create(
            desk=desk,
            organisation=world.companies[0],
            submitted_by=world.user,
            title=f"提案{n}",
            summary="要旨",
            approach="方法",
            benefit_town="町",
            benefit_residents="住民",
            benefit_proposer="提案者",
            state=state,
            decision_reason="理由" if state == "declined" else "",
        )
        OpenProposal.objects.filter(pk=proposal.pk).update(submitted_at=when)

    def figures(scope):
        years = _years(scope)
        return {
            year: (v["open_proposals"], v["open_adopted"], v["open_adoption_rate"])
            for year, v in years.items()
            if v["open_proposals"]
        }

    assert figures(dashboard.municipality_scope(world.koriyama)) == {
        2021: (2, 1, Decimal("50.0")),
        2022: (1, 0, Decimal("0.0")),
    }
    assert figures(dashboard.region_scope(region)) == {
        2021: (3, 2, Decimal("66.7")),
        2022: (1, 0, Decimal("0.0")),
    }
    assert figures(dashboard.portal_scope()) == {
        2021: (3, 2, Decimal("66.7")),
        2022: (1, 0, Decimal("0.0")),
    }
    assert figures(dashboard.municipality_scope(world.tamura)) == {}
