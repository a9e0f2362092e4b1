"""The Big-i 6F room of the 2020-12-15 press release, and a way to book it as of a date."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from spaces.models import Closure, OpeningHours, Space

TOKYO = ZoneInfo("Asia/Tokyo")
# "Now" for bookings in the demo period: before the room opened.
BEFORE_OPENING = dt.datetime(2020, 12, 1, 9, 0, tzinfo=TOKYO)


def at(y, m, d, hh=10, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def make_space(host, *, name="郡山市民プラザ 多目的ルーム", capacity=20, regions=(), **extra):
    fields = {
        "building": "ビッグアイ",
        "floor": "6階",
        "address": "福島県郡山市駅前二丁目11番1号",
        "capacity": capacity,
        "host": host,
        "opens_on": dt.date(2020, 12, 8),
        "closes_on": dt.date(2021, 1, 29),
        "slot_minutes": 30,
        "max_booking_minutes": 540,
        "book_ahead_days": 60,
        "closed_on_public_holidays": True,
    }
    fields.update(extra)
    space = Space.objects.create(name=name, **fields)
    OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=w, opens_at=dt.time(10), closes_at=dt.time(19))
        for w in (1, 2, 3, 4)
    )
    Closure.objects.create(
        space=space,
        starts_on=dt.date(2020, 12, 29),
        ends_on=dt.date(2021, 1, 3),
        reason="年末年始",
        every_year=True,
    )
    space.allowed_regions.set(regions)
    return space


@pytest.fixture
def big_i(koriyama, region):
    return make_space(koriyama, regions=[region])
