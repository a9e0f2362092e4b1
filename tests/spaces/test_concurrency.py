"""No double booking, whatever users do at the same moment: real POSTs from parallel
threads, each with its own connection and transaction, against real PostgreSQL."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spaces.models import Booking
from tests import factories
from tests.parallel import parallel_posts
from tests.spaces.conftest import make_space

pytestmark = pytest.mark.django_db(transaction=True)


def _room(capacity):
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    today = timezone.localdate()
    space = make_space(
        koriyama,
        capacity=capacity,
        regions=[region],
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=60),
    )
    return koriyama, space


def _next_friday() -> str:
    today = timezone.localdate()
    return (today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)).isoformat()


def _clients(koriyama, n, prefix):
    clients = []
    for i in range(n):
        person = factories.make_member(koriyama, email=f"{prefix}{i}@city.koriyama.lg.jp")
        client = Client()
        client.force_login(person)
        clients.append(client)
    return clients


def _post(space, kind, start="13:30", end="15:00"):
    return {
        "kind": kind,
        "date": _next_friday(),
        "start_time": start,
        "end_time": end,
        "purpose": "自治体クエスト 打合せ",
    }


def _outcome(responses):
    codes = [r.status_code for r in responses]
    assert 500 not in codes
    pages = [r.content.decode() for r in responses]
    booked = sum("予約が確定しました" in p for p in pages)
    return booked, pages


def test_twenty_simultaneous_whole_room_requests_book_once():
    koriyama, space = _room(capacity=20)
    clients = _clients(koriyama, 20, "w")
    url = reverse("spaces:book", args=[space.pk])
    responses = parallel_posts([(c, url, _post(space, "whole_room")) for c in clients], follow=True)
    booked, pages = _outcome(responses)
    assert booked == 1
    assert sum("この時間帯は他の予約と重なっています" in p for p in pages) == 19
    assert Booking.objects.filter(space=space, status="confirmed").count() == 1


def test_ten_simultaneous_seat_requests_for_three_seats_book_three():
    koriyama, space = _room(capacity=3)
    clients = _clients(koriyama, 10, "s")
    url = reverse("spaces:book", args=[space.pk])
    responses = parallel_posts([(c, url, _post(space, "seat")) for c in clients], follow=True)
    booked, pages = _outcome(responses)
    assert booked == 3
    assert sum("この時間帯は満席です" in p for p in pages) == 7
    assert Booking.objects.filter(space=space, kind="seat").count() == 3


def test_whole_room_and_seats_racing_never_both_win():
    koriyama, space = _room(capacity=5)
    clients = _clients(koriyama, 12, "m")
    url = reverse("spaces:book", args=[space.pk])
    requests = [
        (c, url, _post(space, "whole_room" if i % 3 == 0 else "seat"))
        for i, c in enumerate(clients)
    ]
    _outcome(parallel_posts(requests, follow=True))
    kinds = list(Booking.objects.filter(space=space).values_list("kind", flat=True))
    assert kinds
    if "whole_room" in kinds:
        assert kinds == ["whole_room"]
    else:
        assert len(kinds) <= 5


def test_same_person_double_submit_books_once():
    koriyama, space = _room(capacity=20)
    person = factories.make_member(koriyama, email="double@city.koriyama.lg.jp")
    clients = []
    for _ in range(6):
        client = Client()
        client.force_login(person)
        clients.append(client)
    url = reverse("spaces:book", args=[space.pk])
    _outcome(parallel_posts([(c, url, _post(space, "seat")) for c in clients], follow=True))
    assert Booking.objects.filter(space=space, user=person).count() == 1


def test_a_weekly_series_racing_single_bookings_never_double_books_a_date():
    koriyama, space = _room(capacity=20)
    clients = _clients(koriyama, 6, "r")
    first = dt.date.fromisoformat(_next_friday())
    second = first + dt.timedelta(weeks=1)
    series = {
        "kind": "whole_room",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(weeks=3)).isoformat(),
        "start_time": "13:30",
        "end_time": "15:00",
        "purpose": "定例",
        "confirm": "1",
    }
    single = {**_post(space, "whole_room"), "date": second.isoformat()}
    requests = [(clients[0], reverse("spaces:series", args=[space.pk]), series)] + [
        (c, reverse("spaces:book", args=[space.pk]), single) for c in clients[1:]
    ]
    responses = parallel_posts(requests, follow=True)
    assert 500 not in [r.status_code for r in responses]
    on_second = Booking.objects.filter(space=space, status="confirmed", starts_at__date=second)
    assert on_second.count() == 1
    # The series booked its other three dates whoever won the second.
    assert Booking.objects.filter(space=space, series__isnull=False).count() in (3, 4)
