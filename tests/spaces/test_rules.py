"""Every opening rule, accepted and refused, with the reason users read."""

import datetime as dt

import pytest

from spaces import rules
from spaces.models import Space
from tests.spaces.conftest import BEFORE_OPENING, at

pytestmark = pytest.mark.django_db


def _refusals(space, start, end, now=BEFORE_OPENING):
    space = Space.objects.prefetch_related("opening_hours", "closures").get(pk=space.pk)
    return [
        (r.code, r.message)
        for r in rules.check_booking_time(space, starts_at=start, ends_at=end, now=now)
    ]


def test_the_first_quest_meeting_is_accepted(big_i):
    assert _refusals(big_i, at(2020, 12, 18, 13, 30), at(2020, 12, 18, 15)) == []


def test_monday_is_refused_with_reason(big_i):
    assert _refusals(big_i, at(2020, 12, 14, 13), at(2020, 12, 14, 14)) == [
        ("weekday", "月曜日は休館日です")
    ]


def test_outside_opening_hours(big_i):
    assert _refusals(big_i, at(2020, 12, 18, 9), at(2020, 12, 18, 10)) == [
        ("hours", "開館時間は10:00〜19:00です")
    ]
    assert _refusals(big_i, at(2020, 12, 18, 18), at(2020, 12, 18, 19, 30))[0][0] == "hours"


def test_year_end_closure_with_reason(big_i):
    for day in (dt.date(2020, 12, 29), dt.date(2020, 12, 30), dt.date(2021, 1, 1)):
        refusals = _refusals(
            big_i, at(day.year, day.month, day.day, 13), at(day.year, day.month, day.day, 14)
        )
        if day.weekday() in (1, 2, 3, 4):
            assert refusals == [("closure", "12月29日〜1月3日は年末年始のため休館です")], day


def test_public_holiday_is_closed_with_its_name(koriyama, region):
    from tests.spaces.conftest import make_space

    space = make_space(
        koriyama,
        name="祝日テスト",
        regions=[region],
        opens_on=dt.date(2020, 11, 1),
        closes_on=dt.date(2020, 12, 31),
    )
    # 2020-11-03 (Tue) is 文化の日.
    refusals = _refusals(space, at(2020, 11, 3, 13), at(2020, 11, 3, 14), now=at(2020, 10, 1))
    assert refusals == [("holiday", "2020年11月3日(火)は祝日（文化の日）のため休館です")]


def test_outside_the_operating_period(big_i):
    refusals = _refusals(big_i, at(2021, 2, 2, 13), at(2021, 2, 2, 14), now=at(2021, 1, 20))
    assert refusals == [("outside_period", "利用期間は2020年12月8日(火)〜2021年1月29日(金)です")]


def test_too_long_and_too_short(big_i):
    Space.objects.filter(pk=big_i.pk).update(max_booking_minutes=180, min_booking_minutes=60)
    assert _refusals(big_i, at(2020, 12, 18, 10), at(2020, 12, 18, 14)) == [
        ("too_long", "予約できるのは最長3時間までです")
    ]
    assert _refusals(big_i, at(2020, 12, 18, 10), at(2020, 12, 18, 10, 30)) == [
        ("too_short", "予約は最短1時間からです")
    ]


def test_too_far_ahead(big_i):
    refusals = _refusals(big_i, at(2021, 1, 29, 13), at(2021, 1, 29, 14), now=at(2020, 11, 20))
    assert refusals[0] == ("too_far_ahead", "予約は60日先（2021年1月19日(火)）までです")


def test_across_midnight_is_refused(big_i):
    assert _refusals(big_i, at(2020, 12, 18, 18), at(2020, 12, 19, 1)) == [
        ("midnight", "日付をまたぐ予約はできません。開始と終了は同じ日にしてください")
    ]


def test_off_the_grid_and_in_the_past(big_i):
    assert _refusals(big_i, at(2020, 12, 18, 13, 10), at(2020, 12, 18, 14))[0] == (
        "grid",
        "予約は30分単位で開始・終了してください",
    )
    now = at(2020, 12, 18, 16)
    assert _refusals(big_i, at(2020, 12, 18, 13), at(2020, 12, 18, 14), now=now)[0] == (
        "past",
        "この時間は既に過ぎています",
    )


def test_several_ranges_per_day(big_i):
    from spaces.models import OpeningHours

    OpeningHours.objects.filter(space=big_i, weekday=4).delete()
    OpeningHours.objects.create(space=big_i, weekday=4, opens_at=dt.time(10), closes_at=dt.time(12))
    OpeningHours.objects.create(space=big_i, weekday=4, opens_at=dt.time(13), closes_at=dt.time(19))
    assert _refusals(big_i, at(2020, 12, 18, 11), at(2020, 12, 18, 14)) == [
        ("hours", "開館時間は10:00〜12:00、13:00〜19:00です")
    ]
    assert _refusals(big_i, at(2020, 12, 18, 13), at(2020, 12, 18, 14)) == []
