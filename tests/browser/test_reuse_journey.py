"""Issue 14: a municipality records, in a real browser, that it adapted another town's
published result (横展開), and the quest page lists it with its 地方公共団体コード."""

import pytest
from django.utils import timezone

from quests.models import ResultsReport
from tests import factories
from tests.quests.factories import make_quest

from .steps import click_through, main_text, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_records_reuse_and_the_quest_page_shows_it(page, screenshot):
    bandai = factories.make_municipality("磐梯町", "074071", domain="town.bandai.example.jp")
    inawashiro = factories.make_municipality(
        "猪苗代町", "074080", domain="town.inawashiro.example.jp"
    )
    factories.make_member(inawashiro, email="kikaku@town.inawashiro.example.jp", family="猪苗代")
    quest = make_quest(bandai, title="書かない窓口の実証", state="completed")
    ResultsReport.objects.create(
        quest=quest,
        what_was_done="窓口で申請書を書かずに済む仕組みを実証した",
        outcomes="来庁者の待ち時間が短くなった",
        lessons="職員の研修が要る",
        published_at=timezone.now(),
    )

    sign_in(page, "kikaku@town.inawashiro.example.jp")

    page.goto(f"/quests/{quest.pk}/reused/")
    page.get_by_label("改変して導入", exact=False).check()
    page.get_by_label("メモ（公開）", exact=False).fill("申請書の様式を町に合わせて導入")
    screenshot("reuse-01-record")
    click_through(page, page.locator("main form button[type=submit]").last)

    page.goto(f"/quests/{quest.pk}/")
    main = main_text(page)
    assert "猪苗代町" in main and "074080" in main
    screenshot("reuse-02-quest-page")
