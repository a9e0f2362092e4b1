"""Booking a seat in a real browser: week view → free slot → form filled in → confirmed →
My bookings; then a refused whole-room request shows its reason next to the field."""

import datetime as dt

import pytest
from django.utils import timezone

from spaces import rules
from tests import factories
from tests.spaces.conftest import make_space

from .steps import body_text, click_through, main_text, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_book_a_seat_from_the_week_view(page, screenshot):
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    factories.make_member(koriyama, email="staff@city.koriyama.lg.jp", family="吉田", given="大輔")
    today = timezone.localdate()
    space = make_space(
        koriyama,
        regions=[region],
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=60),
    )
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
    # A week whose Monday and Friday are not public holidays, so the reasons are the weekday's.
    while rules.public_holiday(friday - dt.timedelta(days=4)) or rules.public_holiday(friday):
        friday += dt.timedelta(weeks=1)
    monday = friday - dt.timedelta(days=4)

    sign_in(page, "staff@city.koriyama.lg.jp")

    page.goto(f"/spaces/{space.pk}/week/?date={friday.isoformat()}")
    assert "月曜日は休館日です" in main_text(page)
    screenshot("space-01-week")
    click_through(page, page.locator(f"a[href*='start={friday.isoformat()}T13:30']"))
    assert page.locator("#id_start_time").input_value() == "13:30"
    page.get_by_label("利用目的").fill("クエストの資料作成")
    screenshot("space-02-form")
    click_through(page, page.get_by_role("button", name="予約する").last)
    assert "予約が確定しました" in body_text(page)
    page.goto("/spaces/mine/")
    assert "クエストの資料作成" in main_text(page)
    screenshot("space-03-mine")

    page.goto(f"/spaces/{space.pk}/book/")
    page.get_by_label("貸切").check()
    page.locator("#id_date").fill(monday.isoformat())
    page.locator("#id_start_time").select_option("13:00")
    page.locator("#id_end_time").select_option("14:00")
    page.get_by_label("利用目的").fill("定例会")
    click_through(page, page.get_by_role("button", name="予約する").last)
    error = page.locator("#id_date_error")
    assert error.inner_text().strip() == "月曜日は休館日です"
    assert page.get_by_label("利用目的").input_value() == "定例会"
    screenshot("space-04-refused")
