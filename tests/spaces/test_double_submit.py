"""A double click makes one thing (issue 9, section 5): five identical POSTs at the same
moment, each from its own thread and connection, change the space pages' data once and
notify once; every one of them answers with a redirect (POST/redirect/GET)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from spaces.models import Booking, BookingSeries, OpeningHours
from spaces.services.approval import booking_version
from spaces.services.bookings import booking_create
from tests import factories
from tests.parallel import parallel_posts
from tests.spaces.conftest import make_space

pytestmark = pytest.mark.django_db(transaction=True)

CLICKS = 5


@pytest.fixture
def room():
    """A room open from yesterday for 60 days, with its coordinator and a booker."""
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    today = timezone.localdate()
    space = make_space(
        koriyama,
        regions=[region],
        whole_room_needs_approval=True,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=60),
    )
    coordinator = factories.make_member(
        koriyama, role="coordinator", email="coordinator@city.koriyama.lg.jp"
    )
    booker = factories.make_member(koriyama, email="booker@city.koriyama.lg.jp")
    return space, coordinator, booker


def _friday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)


def _book(space, user, kind="whole_room") -> Booking:
    friday = _friday()
    return booking_create(
        space=space,
        user=user,
        kind=kind,
        purpose="クエスト打合せ",
        starts_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(13, 30))),
        ends_at=timezone.make_aware(dt.datetime.combine(friday, dt.time(15))),
    )


def _clicks(user, url, data):
    client = Client()
    client.force_login(user)
    return parallel_posts([(client, url, data)] * CLICKS)


def _all_redirect(responses) -> None:
    codes = [r.status_code for r in responses]
    assert codes == [302] * CLICKS, codes


def test_five_identical_cancellations_cancel_once_and_tell_the_booker_once(room):
    space, coordinator, booker = room
    booking = _book(space, booker, kind="seat")
    url = reverse("spaces:booking_cancel", args=[booking.pk])
    _all_redirect(_clicks(coordinator, url, {"reason": "設備点検のため"}))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.status_reason == "設備点検のため"
    told = Notification.objects.filter(
        recipient=booker, kind="space.booking_cancelled_by_coordinator"
    )
    assert told.count() == 1


@pytest.mark.parametrize(
    ("decision", "kind", "status"),
    [
        ("approve", "space.booking_approved", Booking.Status.CONFIRMED),
        ("decline", "space.booking_declined", Booking.Status.DECLINED),
    ],
)
def test_five_identical_decisions_decide_once_and_tell_the_booker_once(
    room, decision, kind, status
):
    space, coordinator, booker = room
    booking = _book(space, booker)
    assert booking.status == Booking.Status.PENDING
    url = reverse("spaces:booking_decide", args=[booking.pk])
    data = {
        "decision": decision,
        "reason": "部屋の改修",
        "next": reverse("spaces:pending"),
        "version": booking_version(booking),
    }
    responses = _clicks(coordinator, url, data)
    _all_redirect(responses)
    assert {r["Location"] for r in responses} == {reverse("spaces:pending")}
    booking.refresh_from_db()
    assert booking.status == status
    assert Notification.objects.filter(recipient=booker, kind=kind).count() == 1


def test_five_identical_rules_saves_add_one_opening_range(room):
    space, coordinator, _booker = room
    hours = list(space.opening_hours.all())
    closure = space.closures.get()
    data = {
        "description": "",
        "photo_alt": "",
        "capacity": 20,
        "opens_on": space.opens_on.isoformat(),
        "closes_on": space.closes_on.isoformat(),
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
    data.update(
        {f"hours-{n}-weekday": 5, f"hours-{n}-opens_at": "10:00", f"hours-{n}-closes_at": "17:00"}
    )
    _all_redirect(_clicks(coordinator, reverse("spaces:rules", args=[space.pk]), data))
    assert OpeningHours.objects.filter(space=space, weekday=5).count() == 1


def test_five_identical_series_confirmations_make_one_series(room):
    space, _coordinator, booker = room
    friday = _friday()
    data = {
        "kind": "seat",
        "first_date": friday.isoformat(),
        "last_date": (friday + dt.timedelta(weeks=2)).isoformat(),
        "start_time": "13:30",
        "end_time": "15:00",
        "purpose": "定例打合せ",
        "confirm": "1",
    }
    responses = _clicks(booker, reverse("spaces:series", args=[space.pk]), data)
    _all_redirect(responses)
    series = BookingSeries.objects.get()
    assert {r["Location"] for r in responses} == {reverse("spaces:series_result", args=[series.pk])}
    # Every date booked belongs to that one series (a public holiday may skip a Friday).
    assert 1 <= Booking.objects.filter(series=series).count() == Booking.objects.count()
