"""Booking, changing, cancelling and approving, through the pages people use."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from spaces.errors import BookingError
from spaces.models import Booking, Space
from spaces.services.approval import booking_version
from spaces.services.bookings import booking_cancel, booking_change, booking_create
from tests import factories
from tests.quests import factories as qf
from tests.spaces.conftest import BEFORE_OPENING, at, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def current_room(koriyama, region):
    """The same room in the current period, so that the pages (which use "now") accept it."""
    today = timezone.localdate()
    return make_space(
        koriyama,
        name="ビッグアイ（今期）",
        regions=[region],
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=90),
    )


def _next(weekday: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _form(day, start, end, kind="seat", purpose="資料作成", **extra):
    return {
        "kind": kind,
        "date": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "purpose": purpose,
        **extra,
    }


def test_book_a_seat_from_the_week_view_link(client, staff_user, current_room):
    client.force_login(staff_user)
    friday = _next(4)
    week = client.get(reverse("spaces:week", args=[current_room.pk]), {"date": friday}).content
    assert f"start={friday.isoformat()}T13:30".encode() in week
    form = client.get(
        reverse("spaces:book", args=[current_room.pk]),
        {"start": f"{friday}T13:30", "end": f"{friday}T14:00"},
    ).content.decode()
    assert 'value="13:30" selected' in form
    response = client.post(
        reverse("spaces:book", args=[current_room.pk]), _form(friday, "13:30", "15:00"), follow=True
    )
    assert "予約が確定しました" in response.content.decode()
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert timezone.localtime(booking.starts_at).time() == dt.time(13, 30)


def test_refusal_is_next_to_the_field_and_the_form_is_kept(client, staff_user, current_room):
    client.force_login(staff_user)
    monday = _next(0)
    response = client.post(
        reverse("spaces:book", args=[current_room.pk]),
        _form(monday, "13:00", "14:00", purpose="定例会"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "月曜日は休館日です" in html
    assert 'id="id_date_error"' in html
    assert 'value="定例会"' in html


def test_whole_room_needs_every_seat_free(client, staff_user, coordinator_user, current_room):
    friday = _next(4)
    booking_create(
        space=current_room,
        user=coordinator_user,
        kind="seat",
        starts_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(13))),
        ends_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(14))),
        purpose="作業",
    )
    client.force_login(staff_user)
    html = client.post(
        reverse("spaces:book", args=[current_room.pk]),
        _form(friday, "13:30", "15:00", kind="whole_room", purpose="クエスト打合せ"),
    ).content.decode()
    assert "この時間帯は他の予約と重なっています" in html


def test_seats_fill_up_to_capacity(koriyama, region):
    space = make_space(koriyama, capacity=2, regions=[region])
    people = [factories.make_member(koriyama, email=f"s{i}@city.koriyama.lg.jp") for i in range(3)]
    for person in people[:2]:
        booking_create(
            space=space,
            user=person,
            kind="seat",
            starts_at=at(2020, 12, 18, 10),
            ends_at=at(2020, 12, 18, 12),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=space,
            user=people[2],
            kind="seat",
            starts_at=at(2020, 12, 18, 11),
            ends_at=at(2020, 12, 18, 13),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "この時間帯は満席です"
    # Back to back is fine: a seat frees at 12:00.
    booking_create(
        space=space,
        user=people[2],
        kind="seat",
        starts_at=at(2020, 12, 18, 12),
        ends_at=at(2020, 12, 18, 13),
        purpose="作業",
        now=BEFORE_OPENING,
    )


def test_no_seat_during_a_whole_room_booking(big_i, staff_user, coordinator_user):
    booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="食品ロス削減クエスト 第1回打合せ",
        now=BEFORE_OPENING,
    )
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=big_i,
            user=coordinator_user,
            kind="seat",
            starts_at=at(2020, 12, 18, 14),
            ends_at=at(2020, 12, 18, 16),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "この時間帯は他の予約と重なっています"


def test_cancellation_deadline_for_the_booker_not_the_coordinator(
    big_i, staff_user, coordinator_user
):
    Space.objects.filter(pk=big_i.pk).update(cancel_hours_before=24)
    big_i.refresh_from_db()
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 13),
        ends_at=at(2020, 12, 18, 14),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    late = at(2020, 12, 18, 9)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=booking, user=staff_user, now=late)
    assert refused.value.refusals[0].message == (
        "キャンセルの期限（2020年12月17日(木) 13:00）を過ぎています"
    )
    booking_cancel(booking=booking, user=coordinator_user, reason="設備点検", now=late)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    note = Notification.objects.get(
        recipient=staff_user, kind="space.booking_cancelled_by_coordinator"
    )
    assert "設備点検" in note.body and "2020年12月18日(金) 13:00〜14:00" in note.body


def test_whole_room_approval_by_a_coordinator(client, big_i, staff_user, coordinator_user):
    Space.objects.filter(pk=big_i.pk).update(whole_room_needs_approval=True)
    big_i.refresh_from_db()
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="クエスト打合せ",
        now=BEFORE_OPENING,
    )
    assert booking.status == Booking.Status.PENDING
    client.force_login(coordinator_user)
    assert "承認待ちの予約" in client.get("/").content.decode()
    assert client.get(reverse("spaces:pending")).status_code == 200
    url = reverse("spaces:booking_decide", args=[booking.pk])
    version = booking_version(booking)
    html = client.post(
        url, {"decision": "decline", "reason": "", "version": version}, follow=True
    ).content.decode()
    assert "承認しない理由を記入してください" in html
    client.post(url, {"decision": "approve", "version": booking_version(booking)})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert (
        Notification.objects.filter(recipient=staff_user, kind="space.booking_approved").count()
        == 1
    )
    client.force_login(staff_user)
    assert client.post(url, {"decision": "approve"}).status_code == 403


def test_booking_for_a_quest_shows_on_both_sides(client, big_i, staff_user, koriyama, company_user):
    quest = qf.make_quest(koriyama)
    qf.add_to_team(quest, staff_user, koriyama, "leader")
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="第1回打合せ",
        quest=quest,
        now=BEFORE_OPENING,
    )
    client.force_login(staff_user)
    assert quest.title in client.get(booking.get_absolute_url()).content.decode()
    assert "第1回打合せ" in client.get(quest.get_absolute_url()).content.decode()
    with pytest.raises(BookingError):
        booking_create(
            space=big_i,
            user=factories.make_member(koriyama),
            kind="seat",
            starts_at=at(2020, 12, 16, 13),
            ends_at=at(2020, 12, 16, 14),
            purpose="x",
            quest=quest,
            now=BEFORE_OPENING,
        )


def test_change_keeps_the_rules(client, staff_user, current_room):
    friday = _next(4)
    booking = booking_create(
        space=current_room,
        user=staff_user,
        kind="seat",
        starts_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(13))),
        ends_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(14))),
        purpose="作業",
    )
    client.force_login(staff_user)
    url = reverse("spaces:booking_change", args=[booking.pk])
    html = client.post(url, _form(_next(0), "13:00", "14:00")).content.decode()
    assert "月曜日は休館日です" in html
    client.post(url, _form(friday, "15:00", "16:00", purpose="資料の仕上げ"))
    booking.refresh_from_db()
    assert timezone.localtime(booking.starts_at).hour == 15 and booking.purpose == "資料の仕上げ"


def test_my_bookings_page_gives_a_private_calendar_address(client, staff_user, current_room):
    client.force_login(staff_user)
    html = client.get(reverse("spaces:mine")).content.decode()
    staff_user.refresh_from_db()
    assert staff_user.calendar_token and staff_user.calendar_token in html


def test_coordinator_edits_the_rules_on_the_site(client, big_i, coordinator_user, staff_user):

    url = reverse("spaces:rules", args=[big_i.pk])
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(coordinator_user)
    page = client.get(url)
    assert page.status_code == 200
    hours = list(big_i.opening_hours.all())
    closure = big_i.closures.get()
    data = {
        "description": "",
        "photo_alt": "",
        "capacity": 12,
        "opens_on": "2020-12-08",
        "closes_on": "2021-01-29",
        "closed_on_public_holidays": "on",
        "slot_minutes": 30,
        "min_booking_minutes": 30,
        "max_booking_minutes": 540,
        "book_ahead_days": 60,
        "cancel_hours_before": 0,
        "is_active": "on",
        "hours-TOTAL_FORMS": len(hours) + 1,
        "hours-INITIAL_FORMS": len(hours),
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
        "closures-TOTAL_FORMS": 1,
        "closures-INITIAL_FORMS": 1,
        "closures-MIN_NUM_FORMS": 0,
        "closures-MAX_NUM_FORMS": 1000,
        "closures-0-id": closure.pk,
        "closures-0-starts_on": "2020-12-29",
        "closures-0-ends_on": "2021-01-03",
        "closures-0-reason": "年末年始",
        "closures-0-every_year": "on",
    }
    for i, h in enumerate(hours):
        data.update(
            {
                f"hours-{i}-id": h.pk,
                f"hours-{i}-weekday": h.weekday,
                f"hours-{i}-opens_at": "10:00",
                f"hours-{i}-closes_at": "19:00",
            }
        )
    n = len(hours)
    # Saturday 10:00–19:00 added, but with the end before the start first: refused, kept.
    data.update(
        {f"hours-{n}-weekday": 5, f"hours-{n}-opens_at": "19:00", f"hours-{n}-closes_at": "10:00"}
    )
    html = client.post(url, data).content.decode()
    assert "閉館時刻は開館時刻より後にしてください" in html
    data[f"hours-{n}-opens_at"], data[f"hours-{n}-closes_at"] = "10:00", "19:00"
    assert client.post(url, data).status_code == 302
    big_i.refresh_from_db()
    assert big_i.capacity == 12
    assert big_i.opening_hours.filter(weekday=5).exists()


def test_the_database_refuses_overlapping_whole_room_bookings(big_i, staff_user, coordinator_user):
    """Even written around the services (no lock), the exclusion constraint holds."""
    Booking.objects.create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="a",
    )
    for kind, user in (
        ("whole_room", coordinator_user),
        ("seat", coordinator_user),
        ("seat", staff_user),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(
                space=big_i,
                user=user,
                kind=kind,
                starts_at=at(2020, 12, 18, 14),
                ends_at=at(2020, 12, 18, 16),
                purpose="b",
            )
    # A cancelled booking frees the time; different people's seats never clash by themselves.
    Booking.objects.filter(kind="whole_room").update(status="cancelled")
    Booking.objects.create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 14),
        ends_at=at(2020, 12, 18, 16),
        purpose="c",
    )
    Booking.objects.create(
        space=big_i,
        user=coordinator_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 14),
        ends_at=at(2020, 12, 18, 16),
        purpose="d",
    )


def test_seat_capacity_is_the_peak_not_the_count(koriyama, region, tamura):
    """Two seats, three bookings in the afternoon that never overlap more than one at a
    time: a seat for the whole afternoon still fits."""
    space = make_space(koriyama, capacity=2, regions=[region])
    for i, (start, end) in enumerate(((13, 14), (14, 15), (15, 16))):
        booking_create(
            space=space,
            user=factories.make_member(tamura, email=f"p{i}@x.jp"),
            kind="seat",
            starts_at=at(2020, 12, 18, start),
            ends_at=at(2020, 12, 18, end),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    late = factories.make_member(tamura, email="late@x.jp")
    booking_create(
        space=space,
        user=late,
        kind="seat",
        starts_at=at(2020, 12, 18, 13),
        ends_at=at(2020, 12, 18, 16),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=space,
            user=factories.make_member(tamura, email="x@x.jp"),
            kind="seat",
            starts_at=at(2020, 12, 18, 14, 30),
            ends_at=at(2020, 12, 18, 15, 30),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "この時間帯は満席です"


def test_one_person_cannot_hold_two_overlapping_seats(big_i, staff_user):
    booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 10),
        ends_at=at(2020, 12, 18, 12),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=big_i,
            user=staff_user,
            kind="seat",
            starts_at=at(2020, 12, 18, 11),
            ends_at=at(2020, 12, 18, 13),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].code == "own_overlap"


def test_whole_room_is_refused_over_a_single_seat(big_i, staff_user, coordinator_user):
    booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 14),
        ends_at=at(2020, 12, 18, 15),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=big_i,
            user=coordinator_user,
            kind="whole_room",
            starts_at=at(2020, 12, 18, 13, 30),
            ends_at=at(2020, 12, 18, 15),
            purpose="打合せ",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "この時間帯は他の予約と重なっています"


def test_moving_a_booking_does_not_clash_with_itself(big_i, staff_user, coordinator_user):
    mine = booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    booking_change(
        booking=mine,
        user=staff_user,
        starts_at=at(2020, 12, 18, 14),
        ends_at=at(2020, 12, 18, 16),
        purpose="打合せ（延長）",
        now=BEFORE_OPENING,
    )
    booking_create(
        space=big_i,
        user=coordinator_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 16),
        ends_at=at(2020, 12, 18, 17),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    with pytest.raises(BookingError) as refused:
        booking_change(
            booking=mine,
            user=staff_user,
            starts_at=at(2020, 12, 18, 14),
            ends_at=at(2020, 12, 18, 17),
            purpose="x",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "この時間帯は他の予約と重なっています"
    with pytest.raises(BookingError) as refused:
        booking_change(
            booking=mine,
            user=staff_user,
            starts_at=at(2020, 12, 21, 14),
            ends_at=at(2020, 12, 21, 15),
            purpose="x",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "月曜日は休館日です"


def test_a_coordinator_may_book_for_a_quest_without_being_on_its_team(
    big_i, koriyama, coordinator_user
):
    quest = qf.make_quest(koriyama)
    booking = booking_create(
        space=big_i,
        user=coordinator_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="打合せ",
        quest=quest,
        now=BEFORE_OPENING,
    )
    assert booking.quest == quest


def test_a_monday_from_the_form_is_refused_next_to_the_field(client, staff_user, current_room):
    client.force_login(staff_user)
    monday = _next(0)
    response = client.post(
        reverse("spaces:book", args=[current_room.pk]),
        _form(monday, "13:30", "15:00", kind="whole_room", purpose="定例会"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_date_error"' in html and "月曜日は休館日です" in html
    assert 'value="定例会"' in html and f'value="{monday.isoformat()}"' in html
    assert not Booking.objects.exists()


def test_the_booker_is_told_when_a_coordinator_cancels_once(big_i, staff_user, coordinator_user):
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 13),
        ends_at=at(2020, 12, 18, 14),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    booking_cancel(booking=booking, user=coordinator_user, reason="点検", now=BEFORE_OPENING)
    with pytest.raises(BookingError):
        booking_cancel(booking=booking, user=coordinator_user, now=BEFORE_OPENING)
    notes = Notification.objects.filter(kind="space.booking_cancelled_by_coordinator")
    assert [n.key for n in notes] == [f"space.booking_cancelled_by_coordinator|{booking.pk}"]
    # The booker cancelling their own booking is not told about it.
    own = booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 15),
        ends_at=at(2020, 12, 18, 16),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    booking_cancel(booking=own, user=staff_user, now=BEFORE_OPENING)
    assert Notification.objects.filter(recipient=staff_user).count() == 1
