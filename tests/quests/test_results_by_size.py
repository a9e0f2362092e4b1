"""Issue 14: a result is findable by the population of the municipalities that used it
(the host, or one that recorded reusing it), in the bands of the Local Autonomy Act."""

import pytest
from django.urls import reverse

from quests.models import ResultReuse
from tests import factories
from tests.quests.factories import make_quest

pytestmark = pytest.mark.django_db


def _titles(client, size):
    response = client.get(reverse("quests:results_list"), {"size": size})
    assert response.status_code == 200
    return [q.title for q in response.context["page"].object_list]


def test_results_by_the_size_of_the_towns_that_used_them(client, settings, koriyama):
    from quests.models import ResultsReport

    settings.PAGE_CACHE_SECONDS = 0
    bandai = factories.make_municipality("磐梯町", "074071", domain="town.bandai.example.jp")
    inawashiro = factories.make_municipality("猪苗代町", "074080", domain="inawashiro.example.jp")
    koriyama.population, bandai.population, inawashiro.population = 320_000, 3_000, 14_000
    for town in (koriyama, bandai, inawashiro):
        town.save(update_fields=["population"])
    from django.utils import timezone

    dx = make_quest(bandai, title="窓口DX", state="completed")
    food = make_quest(koriyama, title="食品ロス", state="completed")
    for quest in (dx, food):
        ResultsReport.objects.create(
            quest=quest,
            what_was_done="実証",
            outcomes="成果",
            lessons="学び",
            published_at=timezone.now(),
        )
    ResultReuse.objects.create(quest=dx, municipality=inawashiro, status="adopted")
    assert _titles(client, "under-10k") == ["窓口DX"]
    assert _titles(client, "10k-50k") == ["窓口DX"]  # reused by 猪苗代町
    assert _titles(client, "200k-plus") == ["食品ロス"]
    assert _titles(client, "50k-200k") == []
    response = client.get(reverse("quests:results_list"), {"size": "huge"})
    assert sorted(q.title for q in response.context["page"].object_list) == ["窓口DX", "食品ロス"]
    assert "活用した自治体の人口規模" in response.content.decode()
