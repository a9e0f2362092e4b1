"""Demo spaces: the Big-i 6F room exactly as the 2020-12-15 press release describes it, a
copy of it for the current period (so a newcomer can book today), and a room in Yokoze
with different rules. Idempotent: spaces are found by name; bookings are made once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cocreation.accounts.models import User
from cocreation.organisations.models import Organisation, Region
from demo import organisations as org_demo
from demo.quests import FOOD_LOSS_TITLE
from quests.models import Quest
from spaces.errors import BookingError
from spaces.models import Booking, Closure, OpeningHours, Space
from spaces.services.bookings import booking_create
from spaces.services.series import series_confirm

TOKYO = dt.timezone(dt.timedelta(hours=9))
BIG_I_NAME = "郡山市民プラザ 多目的ルーム"
BIG_I_NOW_NAME = "郡山市民プラザ 多目的ルーム（今期）"
YOKOZE_NAME = "横瀬町 まちなか共創ルーム"
BIG_I_DESCRIPTION = (
    "こおりやま広域圏16市町村の職員と自治体クエスト関係者のためのコーイキングスペース。"
    "福島県立岩瀬農業高等学校ヒューマンサービス科の協力による観葉植物等を使った園芸デザインと、"
    "広域圏の風景写真の展示があります。"
)


def _space(name: str, **fields) -> tuple[Space, bool]:
    existing = Space.objects.filter(name=name).first()
    if existing:
        return existing, False
    return Space.objects.create(name=name, **fields), True


def _hours(space: Space, weekdays, ranges) -> None:
    OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=w, opens_at=a, closes_at=b)
        for w in weekdays
        for a, b in ranges
    )


def _big_i(name: str, *, opens_on, closes_on, description: str) -> tuple[Space, bool]:
    koriyama = Organisation.objects.get(local_government_code="072036")
    space, new = _space(
        name,
        building="ビッグアイ",
        floor="6階",
        address="福島県郡山市駅前二丁目11番1号",
        description=description,
        capacity=20,
        host=koriyama,
        opens_on=opens_on,
        closes_on=closes_on,
        closed_on_public_holidays=True,
        slot_minutes=30,
        min_booking_minutes=30,
        max_booking_minutes=540,
        book_ahead_days=60,
        cancel_hours_before=0,
    )
    if new:
        # 火〜金 10:00〜19:00; Mondays (and weekends) have no hours, so they are closed.
        _hours(space, [1, 2, 3, 4], [(dt.time(10), dt.time(19))])
        Closure.objects.create(
            space=space,
            starts_on=dt.date(2020, 12, 29),
            ends_on=dt.date(2021, 1, 3),
            reason="年末年始",
            every_year=True,
        )
        space.allowed_regions.set(Region.objects.filter(slug=org_demo.KORIYAMA_WIDE_AREA))
        space.coordinators.set(User.objects.filter(email=org_demo.COORDINATOR_EMAIL))
        quest = Quest.objects.filter(title=FOOD_LOSS_TITLE, host=koriyama).first()
        if quest:
            space.allowed_quests.add(quest)
    return space, new


def _weekly_quest_meetings(space: Space, first: dt.date, last: dt.date, now: dt.datetime) -> None:
    quest = Quest.objects.filter(title=FOOD_LOSS_TITLE).first()
    leader = User.objects.filter(email="k.takaoka@city.koriyama.lg.jp").first()
    if quest is None or leader is None:
        return
    series_confirm(
        space=space,
        user=leader,
        kind=Booking.Kind.WHOLE_ROOM,
        first_date=first,
        last_date=last,
        start_time=dt.time(13, 30),
        end_time=dt.time(15, 0),
        purpose="自治体クエスト 食品ロス削減 打合せ",
        quest=quest,
        now=now,
    )


def _seats(space: Space, bookings, now: dt.datetime) -> None:
    for email, day, start, end, purpose in bookings:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        try:
            booking_create(
                space=space,
                user=user,
                kind=Booking.Kind.SEAT,
                starts_at=dt.datetime.combine(day, start, tzinfo=TOKYO),
                ends_at=dt.datetime.combine(day, end, tzinfo=TOKYO),
                purpose=purpose,
                now=now,
            )
        except BookingError:
            continue  # a demo date that is closed this year is simply left out


def load_spaces_demo() -> dict[str, int]:
    created = 0
    with transaction.atomic():
        # The room of the press release, with its real period (2020-12-08 to 2021-01-29).
        big_i, new = _big_i(
            BIG_I_NAME,
            opens_on=dt.date(2020, 12, 8),
            closes_on=dt.date(2021, 1, 29),
            description=BIG_I_DESCRIPTION,
        )
        if new:
            created += 1
            then = dt.datetime(2020, 12, 8, 9, tzinfo=TOKYO)
            _weekly_quest_meetings(big_i, dt.date(2020, 12, 18), dt.date(2021, 1, 29), then)
            _seats(
                big_i,
                [
                    (
                        "staff@city.koriyama.lg.jp",
                        dt.date(2020, 12, 9),
                        dt.time(10),
                        dt.time(17),
                        "政策研究の資料作成",
                    ),
                    (
                        "staff@tamura.example.jp",
                        dt.date(2020, 12, 10),
                        dt.time(13),
                        dt.time(16),
                        "広域連携の打合せ準備",
                    ),
                    (
                        "staff@motomiya.example.jp",
                        dt.date(2020, 12, 16),
                        dt.time(10),
                        dt.time(12),
                        "テレワーク",
                    ),
                    (
                        "staff@city.koriyama.lg.jp",
                        dt.date(2020, 12, 18),
                        dt.time(10),
                        dt.time(12, 30),
                        "クエスト前の資料準備",
                    ),
                ],
                then,
            )
        # The same room for the current period, so that a newcomer can book today.
        today = timezone.localdate()
        now_copy, new = _big_i(
            BIG_I_NOW_NAME,
            opens_on=today - dt.timedelta(days=14),
            closes_on=today + dt.timedelta(days=120),
            description=BIG_I_DESCRIPTION + "（デモ用: 現在の期間で予約できます）",
        )
        if new:
            created += 1
            now = timezone.now()
            friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
            _weekly_quest_meetings(now_copy, friday, friday + dt.timedelta(weeks=6), now)
            tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
            _seats(
                now_copy,
                [
                    ("staff@city.koriyama.lg.jp", tuesday, dt.time(10), dt.time(12), "資料作成"),
                    ("staff@sukagawa.example.jp", tuesday, dt.time(13), dt.time(17), "テレワーク"),
                    (
                        "staff@tamura.example.jp",
                        tuesday + dt.timedelta(days=1),
                        dt.time(10),
                        dt.time(15),
                        "広域連携の打合せ準備",
                    ),
                ],
                now,
            )
        # A room in another municipality with other rules: weekdays with a lunch break,
        # one-hour slots, whole-room bookings approved by a coordinator.
        yokoze = Organisation.objects.get(local_government_code="113611")
        room, new = _space(
            YOKOZE_NAME,
            building="横瀬町役場",
            floor="2階",
            address="埼玉県秩父郡横瀬町大字横瀬4545（デモ）",
            description="横瀬町と磐梯町の共創ネットワークの職員と、よこらぼの提案企業の打合せ用の部屋。",
            capacity=8,
            host=yokoze,
            opens_on=dt.date(2024, 4, 1),
            closed_on_public_holidays=True,
            slot_minutes=60,
            min_booking_minutes=60,
            max_booking_minutes=240,
            book_ahead_days=30,
            cancel_hours_before=24,
            whole_room_needs_approval=True,
        )
        if new:
            created += 1
            _hours(room, [0, 1, 2, 3, 4], [(dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))])
            Closure.objects.create(
                space=room,
                starts_on=dt.date(2024, 12, 29),
                ends_on=dt.date(2025, 1, 3),
                reason="年末年始",
                every_year=True,
            )
            room.allowed_regions.set(Region.objects.filter(slug=org_demo.YOKOZE_BANDAI))
            room.coordinators.set(User.objects.filter(email=org_demo.YOKOZE_STAFF_EMAIL))
    return {"spaces": created}
