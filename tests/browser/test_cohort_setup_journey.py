"""Starting next year's cohort in a real browser: the coordinator starts it from the study
groups list, is told what was wrong and keeps what she typed, then lands on the settings
with last year's fields and teams copied, adds a team and saves."""

import re

import pytest

from studygroups.models import Cohort, Field, Programme, Team
from tests import factories

from .steps import click_through, main_text, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_starts_next_years_cohort(page, screenshot):
    region = factories.make_region()
    koriyama = factories.make_municipality(regions=[region])
    factories.make_municipality(
        "田村市", "072117", domain="city.tamura.example.jp", regions=[region]
    )
    factories.make_member(
        koriyama, role="coordinator", email="coord@city.koriyama.lg.jp", family="安藤", given="千尋"
    )
    programme = Programme.objects.create(name="チャレンジ「新発想」研究塾", organiser=koriyama)
    last = Cohort.objects.create(
        programme=programme, fiscal_year=2020, title="研究塾 2020", theme="広域圏の課題"
    )
    last.organisations.add(koriyama)
    for number, name in enumerate(["まち", "ひと", "しごと", "DX"], start=1):
        Team.objects.create(
            cohort=last,
            number=number,
            field=Field.objects.create(cohort=last, name=name, position=number),
        )

    sign_in(page, "coord@city.koriyama.lg.jp")
    page.goto("/studygroups/")
    click_through(page, page.get_by_role("link", name="研究会を始める"))
    page.get_by_label("プログラム", exact=True).select_option(label="チャレンジ「新発想」研究塾")
    page.get_by_label(re.compile("^年度")).fill("2021")
    page.get_by_label(re.compile("^件名")).fill("研究塾 2021")
    page.get_by_label(re.compile("^テーマ")).fill("コロナ禍の先の広域連携")
    page.get_by_label("募集開始日").fill("2021-05-10")
    page.get_by_label("募集締切日").fill("2021-05-01")
    page.get_by_label("田村市").check()
    click_through(page, page.get_by_role("button", name="研究会を開始"))
    text = main_text(page)
    assert "募集締切日は募集開始日以降にしてください" in text
    assert page.get_by_label(re.compile("^テーマ")).input_value() == "コロナ禍の先の広域連携"
    assert page.get_by_label("田村市").is_checked()
    screenshot("study-00-start-refused")

    page.get_by_label("募集締切日").fill("2021-06-10")
    page.get_by_label(re.compile("^参加団体")).first.is_visible()
    page.get_by_label("郡山市", exact=True).check()
    click_through(page, page.get_by_role("button", name="研究会を開始"))
    assert "研究会を開始しました" in main_text(page)
    cohort = Cohort.objects.get(programme=programme, fiscal_year=2021)
    assert [t.field.name for t in cohort.teams.order_by("number")] == [
        "まち",
        "ひと",
        "しごと",
        "DX",
    ]

    page.locator("#id_teams-4-number").fill("5")
    page.locator("#id_teams-4-name").fill("防災チーム")
    page.locator("#id_teams-4-field").select_option(label="DX")
    click_through(page, page.get_by_role("button", name="設定を保存"))
    assert "設定を保存しました" in main_text(page)
    assert cohort.teams.get(number=5).name == "防災チーム"
    screenshot("study-00-settings")
