"""Weekly series: every date checked and shown before anything is booked, mixed results,
cancelling one date or the rest."""

import datetime as dt

import pytest
from django.urls import reverse

from spaces.errors import BookingError
from spaces.models import Booking
from spaces.services.bookings import booking_cancel, booking_create
from spaces.services.series import series_cancel_from, series_confirm, series_preview
from tests.spaces.conftest import BEFORE_OPENING, at

pytestmark = pytest.mark.django_db

FRIDAYS = dict(
    first_date=dt.date(2020, 12, 18),
    last_date=dt.date(2021, 1, 29),
    start_time=dt.time(13, 30),
    end_time=dt.time(15),
)


def test_food_loss_series_preview_shows_the_year_end_closure(big_i, staff_user):
    occurrences = series_preview(
        space=big_i, user=staff_user, kind="whole_room", now=BEFORE_OPENING, **FRIDAYS
    )
    assert [o.day.isoformat() for o in occurrences] == [
        "2020-12-18",
        "2020-12-25",
        "2021-01-01",
        "2021-01-08",
        "2021-01-15",
        "2021-01-22",
        "2021-01-29",
    ]
    closed = [o for o in occurrences if not o.is_free]
    assert [(o.day.isoformat(), o.reason) for o in closed] == [
        ("2021-01-01", "12月29日〜1月3日は年末年始のため休館です")
    ]


def test_series_with_a_taken_friday_books_the_rest(big_i, staff_user, coordinator_user):
    booking_create(
        space=big_i,
        user=coordinator_user,
        kind="whole_room",
        starts_at=at(2021, 1, 8, 13),
        ends_at=at(2021, 1, 8, 16),
        purpose="研修",
        now=BEFORE_OPENING,
    )
    series, created, skipped = series_confirm(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        purpose="食品ロス削減クエスト 打合せ",
        now=BEFORE_OPENING,
        **FRIDAYS,
    )
    assert len(created) == 5
    assert {o.day.isoformat(): o.code for o in skipped} == {
        "2021-01-01": "closure",
        "2021-01-08": "taken",
    }
    # Cancel one date, then the rest of the series from mid-January.
    booking_cancel(booking=created[0], user=staff_user, now=BEFORE_OPENING)
    jan15 = next(b for b in created if b.starts_at.date() == dt.date(2021, 1, 15))
    assert series_cancel_from(booking=jan15, user=staff_user, now=BEFORE_OPENING) == 3
    live = Booking.objects.filter(series=series, status="confirmed")
    assert [b.starts_at.astimezone().date().isoformat() for b in live] == ["2020-12-25"]


def test_series_pages_preview_then_confirm(client, staff_user, koriyama, region):
    from django.utils import timezone

    from tests.spaces.conftest import make_space

    today = timezone.localdate()
    space = make_space(
        koriyama,
        name="今期の部屋",
        regions=[region],
        opens_on=today,
        closes_on=today + dt.timedelta(days=59),
    )
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
    client.force_login(staff_user)
    data = {
        "kind": "whole_room",
        "first_date": friday.isoformat(),
        "last_date": (friday + dt.timedelta(weeks=3)).isoformat(),
        "start_time": "13:30",
        "end_time": "15:00",
        "purpose": "定例打合せ",
    }
    url = reverse("spaces:series", args=[space.pk])
    preview = client.post(url, data).content.decode()
    assert "4回のうち4回が空いています" in preview
    assert not Booking.objects.exists()
    confirmed = client.post(url, {**data, "confirm": "1"})
    assert confirmed.status_code == 302  # POST/redirect/GET: a reload books nothing twice
    result = client.get(confirmed["Location"]).content.decode()
    assert "4回を予約しました" in result
    assert Booking.objects.filter(space=space).count() == 4


def test_preview_statuses_read_as_free_or_closed_with_the_reason(big_i, staff_user):
    occurrences = series_preview(
        space=big_i, user=staff_user, kind="whole_room", now=BEFORE_OPENING, **FRIDAYS
    )
    statuses = {o.day.isoformat(): o.status for o in occurrences}
    assert statuses.pop("2021-01-01") == "closed"
    # Christmas Day is an ordinary Friday for this room.
    assert statuses["2020-12-25"] == "free"
    assert set(statuses.values()) == {"free"}
    assert not Booking.objects.exists()  # a preview writes nothing


def test_preview_marks_taken_full_and_too_far_ahead(koriyama, region, staff_user, tamura):
    from tests import factories
    from tests.spaces.conftest import make_space

    space = make_space(koriyama, name="2席の部屋", capacity=2, regions=[region])
    for i in range(2):
        booking_create(
            space=space,
            user=factories.make_member(tamura, email=f"t{i}@x.jp"),
            kind="seat",
            starts_at=at(2020, 12, 18, 13),
            ends_at=at(2020, 12, 18, 16),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    seats = series_preview(space=space, user=staff_user, kind="seat", now=BEFORE_OPENING, **FRIDAYS)
    assert (seats[0].status, seats[0].reason) == ("full", "この時間帯は満席です")
    rooms = series_preview(
        space=space, user=staff_user, kind="whole_room", now=BEFORE_OPENING, **FRIDAYS
    )
    assert (rooms[0].status, rooms[0].reason) == ("taken", "この時間帯は他の予約と重なっています")
    # Seen from 2020-11-20, the last Fridays are beyond the 60 days one may book ahead.
    early = series_preview(
        space=space, user=staff_user, kind="whole_room", now=at(2020, 11, 20), **FRIDAYS
    )
    assert early[-1].status == "too_far_ahead"
    assert early[-1].reason == "予約は60日先（2021年1月19日(火)）までです"


def test_every_other_week(big_i, staff_user):
    occurrences = series_preview(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        now=BEFORE_OPENING,
        every_n_weeks=2,
        **FRIDAYS,
    )
    assert [o.day.isoformat() for o in occurrences] == [
        "2020-12-18",
        "2021-01-01",
        "2021-01-15",
        "2021-01-29",
    ]


def test_a_date_taken_after_the_preview_is_skipped_and_reported(
    big_i, staff_user, coordinator_user
):
    preview = series_preview(
        space=big_i, user=staff_user, kind="whole_room", now=BEFORE_OPENING, **FRIDAYS
    )
    assert sum(o.is_free for o in preview) == 6
    # Between the preview and the confirmation, someone books 2021-01-22.
    booking_create(
        space=big_i,
        user=coordinator_user,
        kind="seat",
        starts_at=at(2021, 1, 22, 14),
        ends_at=at(2021, 1, 22, 15),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    series, created, skipped = series_confirm(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        purpose="打合せ",
        now=BEFORE_OPENING,
        **FRIDAYS,
    )
    assert len(created) == 5 and all(b.series == series for b in created)
    assert [(o.day.isoformat(), o.status) for o in skipped] == [
        ("2021-01-01", "closed"),
        ("2021-01-22", "taken"),
    ]


def test_nothing_free_books_nothing(big_i, staff_user):
    series, created, skipped = series_confirm(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        purpose="打合せ",
        now=BEFORE_OPENING,
        first_date=dt.date(2021, 1, 1),
        last_date=dt.date(2021, 1, 1),
        start_time=dt.time(13, 30),
        end_time=dt.time(15),
    )
    assert series is None and created == [] and [o.status for o in skipped] == ["closed"]
    assert not Booking.objects.exists()


def test_cancelling_the_rest_is_all_or_nothing(big_i, staff_user):
    from spaces.models import Space

    Space.objects.filter(pk=big_i.pk).update(cancel_hours_before=24)
    _series, created, _skipped = series_confirm(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        purpose="打合せ",
        now=BEFORE_OPENING,
        **FRIDAYS,
    )
    # On the morning of 2020-12-18 the first date is past its deadline: nothing is cancelled.
    with pytest.raises(BookingError) as refused:
        series_cancel_from(booking=created[0], user=staff_user, now=at(2020, 12, 18, 9))
    assert refused.value.refusals[0].code == "cancel_deadline"
    assert Booking.objects.filter(status="confirmed").count() == 6


def test_series_preview_page_says_free_or_closed_and_carries_the_request(
    client, staff_user, koriyama, region
):
    from django.utils import timezone

    from tests.spaces.conftest import make_space

    today = timezone.localdate()
    space = make_space(
        koriyama,
        name="今期の部屋",
        regions=[region],
        opens_on=today,
        closes_on=today + dt.timedelta(days=59),
    )
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
    space.closures.create(
        starts_on=friday + dt.timedelta(weeks=1),
        ends_on=friday + dt.timedelta(weeks=1),
        reason="設備点検",
    )
    client.force_login(staff_user)
    data = {
        "kind": "whole_room",
        "first_date": friday.isoformat(),
        "last_date": (friday + dt.timedelta(weeks=2)).isoformat(),
        "start_time": "13:30",
        "end_time": "15:00",
        "purpose": "定例打合せ",
    }
    html = client.post(reverse("spaces:series", args=[space.pk]), data).content.decode()
    assert "3回のうち2回が空いています" in html
    assert html.count(">空き<") == 2 and ">休館<" in html and "設備点検" in html
    for name, value in data.items():
        if name != "kind":
            assert f'name="{name}" value="{value}"' in html
    assert 'type="hidden" name="kind" value="whole_room"' in html
