"""The reuse ledger (横展開, issue 14) on the public dashboard, from known data: "results
reused" (records by the fiscal year they were recorded in, for the quest's host) and "reuse
adopted" (of those, adopted or adapted), at each level in one grouped query; and the demo:
the Bandai DX quest reused by two other municipalities."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.selectors import dashboard
from quests.models import Quest, ResultReuse
from tests import factories
from tests.quests.factories import make_quest

pytestmark = pytest.mark.django_db

JST = dt.timezone(dt.timedelta(hours=9))


def _entry(quest, municipality, status, recorded):
    entry = ResultReuse.objects.create(quest=quest, municipality=municipality, status=status)
    ResultReuse.objects.filter(pk=entry.pk).update(created_at=recorded)


@pytest.fixture
def world(region, koriyama, tamura):
    """Koriyama's completed quest reused by three towns (FY2022: 2, one adopted; FY2023: 1
    adapted, recorded on 1 April 2023 JST, the first day of the year), Tamura's by one
    (FY2022, considering); a cancelled quest's record never counts."""
    towns = [
        factories.make_municipality(f"町{i}", f"0990{i}0", domain=f"t{i}.example.jp")
        for i in range(4)
    ]
    done = {"state": Quest.State.COMPLETED, "deadline_in_days": None}
    koriyama_quest = make_quest(koriyama, title="郡山の成果", **done)
    tamura_quest = make_quest(tamura, title="田村の成果", **done)
    cancelled = make_quest(koriyama, title="中止", state=Quest.State.CANCELLED)
    _entry(koriyama_quest, towns[0], "adopted", dt.datetime(2022, 5, 1, 10, tzinfo=JST))
    _entry(koriyama_quest, towns[1], "considering", dt.datetime(2023, 3, 31, 23, tzinfo=JST))
    # 2023-03-31 15:30 UTC is 1 April 00:30 in Japan: FY2023.
    _entry(koriyama_quest, towns[2], "adapted", dt.datetime(2023, 3, 31, 15, 30, tzinfo=dt.UTC))
    _entry(tamura_quest, towns[0], "considering", dt.datetime(2022, 8, 1, 10, tzinfo=JST))
    _entry(cancelled, towns[3], "adopted", dt.datetime(2022, 8, 1, 10, tzinfo=JST))
    return {"region": region, "koriyama": koriyama, "tamura": tamura}


def _figures(level, key=None):
    years = dashboard.figures_by_key(level, None if key is None else [key]).get(key, {})
    return {
        year: (values["results_reused"], values["reuse_adopted"])
        for year, values in years.items()
        if values["results_reused"]
    }


def test_reuse_figures_by_fiscal_year_and_level(world):
    assert _figures(dashboard.PORTAL) == {2022: (3, 1), 2023: (1, 1)}
    assert _figures(dashboard.REGION, world["region"].pk) == {2022: (3, 1), 2023: (1, 1)}
    assert _figures(dashboard.MUNICIPALITY, world["koriyama"].pk) == {2022: (2, 1), 2023: (1, 1)}
    assert _figures(dashboard.MUNICIPALITY, world["tamura"].pk) == {2022: (1, 0)}


def test_reuse_figures_are_one_grouped_query_per_level(world):
    source = next(s for s in dashboard.SOURCES if s.figures[0].name == "results_reused")
    for level in (dashboard.PORTAL, dashboard.REGION, dashboard.MUNICIPALITY):
        with CaptureQueriesContext(connection) as queries:
            list(source.rows(level, None))
        assert len(queries) == 1, level


def test_reuse_figures_are_in_the_open_data(client, world):
    assert "results_reused" in dashboard.open_data_keys()
    assert "横展開の記録数" in dashboard.open_data_header()
    response = client.get(reverse("dashboard:municipality", args=["072036"]))
    assert response.status_code == 200


def test_the_demo_bandai_quest_is_reused_by_two_municipalities(client, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # safe to repeat
    bandai = Quest.objects.get(
        title="窓口手続きのオンライン化と書かない窓口の試行", host__local_government_code="074071"
    )
    entries = {
        e.municipality.local_government_code: e.status
        for e in ResultReuse.objects.filter(quest=bandai).select_related("municipality")
    }
    assert entries == {"074080": "adapted", "113611": "considering"}
    body = client.get(bandai.get_absolute_url()).content.decode()
    assert "猪苗代町" in body and "074080" in body and "横瀬町" in body and "113611" in body
    assert "予算要求なし" not in body  # the private note
    listing = client.get(reverse("quests:results_list")).content.decode()
    assert "窓口手続きのオンライン化" in listing
