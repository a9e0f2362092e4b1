"""Keyset pagination (issue 12): the lists that grow without bound (a person's
notifications and bookings, a coordinator's pending requests) page by their order key,
`?after=` / `?before=` (cocreation.core.pages.keyset_paginate).

Walking the pages by their own links gives every row once, in order, also when many rows
share the first key (the id breaks the tie); a cursor that is not one (typed, cut, from
another list) shows the start with the page's "not understood" message, never a 500; a
page deep in the list costs the queries the first does, at two data sizes; and who may
open a list is unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreation.core.pages import keyset_paginate
from cocreation.notifications import services
from cocreation.notifications.models import Notification
from spaces.models import Booking
from tests.spaces.conftest import at, make_space

pytestmark = pytest.mark.django_db

NOT_UNDERSTOOD = "一部を読み取れませんでした"
# Notifications share one second in threes, so pages end inside a tie.
TIED = 3


def _notify(user, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        services.notify(
            user,
            "membership.approved",
            None,
            context={"organisation": f"団体{i}", "decider": "調整 太郎"},
            key=f"keyset-{user.pk}-{i}",
            email=False,
        )
    base = dt.datetime(2020, 12, 18, 9, tzinfo=dt.UTC)
    for i, pk in enumerate(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("pk", flat=True)
    ):
        Notification.objects.filter(pk=pk).update(created_at=base + dt.timedelta(seconds=i // TIED))


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', html)
    return unescape(found.group(1)) if found else None


def _walk(client, url: str, rows, rel: str = "next") -> list[list]:
    """The pages met following `rel` links from `url`: the ids each shows."""
    pages = []
    base = url.split("?")[0]
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([row.pk for row in rows(response)])
        link = _link(response.content.decode(), rel)
        url = base + link if link else None
        assert len(pages) < 100
    return pages


def _notifications(response):
    return response.context["page"].object_list


def test_walking_the_notifications_gives_each_once_in_order_with_ties(client, staff_user):
    _notify(staff_user, 62)
    client.force_login(staff_user)
    expected = list(
        Notification.objects.filter(recipient=staff_user)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    pages = _walk(client, reverse("notifications:list"), _notifications)
    assert [len(page) for page in pages] == [25, 25, 12]
    assert [pk for page in pages for pk in page] == expected
    # And back: from the last page, the previous links give the same pages.
    last = reverse("notifications:list") + "?after=" + _cursor_of(client, pages[1])
    back = _walk(client, last, _notifications, rel="prev")
    assert back == pages[::-1]


def _cursor_of(client, ids: list[int]) -> str:
    """The next-page cursor of a notification page whose last row is ids[-1]."""
    last = Notification.objects.get(pk=ids[-1])
    micros = (last.created_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
        microseconds=1
    )
    return f"{micros}_{last.pk}"


def test_the_unread_filter_is_kept_in_the_links(client, staff_user):
    _notify(staff_user, 30)
    client.force_login(staff_user)
    html = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert _link(html, "next").startswith("?unread=1&after=")
    assert "以前のお知らせ" in html  # "Older"
    assert 'aria-label="ページ"' in html


HOSTILE_CURSORS = [
    {"after": "abc"},
    {"after": ""},
    {"after": "²_1"},
    {"after": "1_2_3"},
    {"after": "1"},
    {"after": "9" * 30 + "_1"},
    {"after": "1608282000000000_" + "9" * 30},
    {"after": "1608282000000000_-1"},
    {"after": "-1608282000000000_1"},
    {"after": "0_1"},  # 1970: outside the portal's date window
    {"after": "99999999999999999_1"},  # year 5138
    {"after": "1608282000000000_1\x00"},
    {"after": "1608282000000000.5_1"},
    {"before": "1608282000000000_x"},
    {"after": "1608282000000000_1", "before": "1608282000000000_1"},
    {"page": "2"},
]


@pytest.mark.parametrize("query", HOSTILE_CURSORS, ids=lambda q: repr(q)[:40])
def test_a_hostile_cursor_shows_the_start_and_says_so(client, staff_user, query):
    _notify(staff_user, 30)
    client.force_login(staff_user)
    response = client.get(reverse("notifications:list"), query)
    assert response.status_code == 200
    assert NOT_UNDERSTOOD in response.content.decode()
    newest = Notification.objects.filter(recipient=staff_user).order_by("-created_at", "-id")
    assert [n.pk for n in _notifications(response)] == [n.pk for n in newest[:25]]


@pytest.mark.parametrize("query", HOSTILE_CURSORS, ids=lambda q: repr(q)[:40])
def test_hostile_cursors_on_the_booking_lists(client, coordinator_user, koriyama, query):
    room = make_space(koriyama, name="共創ルーム")
    Booking.objects.create(
        space=room,
        user=coordinator_user,
        kind=Booking.Kind.WHOLE_ROOM,
        status=Booking.Status.PENDING,
        starts_at=at(2020, 12, 18, 10),
        ends_at=at(2020, 12, 18, 11),
        purpose="打合せ",
    )
    client.force_login(coordinator_user)
    for name in ("spaces:mine", "spaces:pending"):
        response = client.get(reverse(name), {**query, "when": "past"})
        assert response.status_code == 200, name
        assert NOT_UNDERSTOOD in response.content.decode(), name
        assert len(response.context["page"].object_list) == 1, name


def test_a_valid_cursor_past_either_end_shows_the_start(client, staff_user):
    _notify(staff_user, 30)
    client.force_login(staff_user)
    newest = list(
        Notification.objects.filter(recipient=staff_user)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    for query in ({"after": "946598400000000_1"}, {"before": "4102444800000000_1"}):
        response = client.get(reverse("notifications:list"), query)
        assert response.status_code == 200
        assert NOT_UNDERSTOOD not in response.content.decode()
        assert [n.pk for n in _notifications(response)] == newest[:25]
        assert response.context["page"].is_first


def test_a_deep_page_costs_what_the_first_does_at_two_sizes(client, staff_user):
    client.force_login(staff_user)
    counts = []
    for total in (40, 400):
        Notification.objects.filter(recipient=staff_user).delete()
        _notify(staff_user, total, start=total)
        deep = Notification.objects.filter(recipient=staff_user).order_by("created_at", "id")[5]
        micros = (deep.created_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
            microseconds=1
        )
        url = reverse("notifications:list") + f"?after={micros}_{deep.pk}"
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(reverse("notifications:list"))
        with CaptureQueriesContext(connection) as later:
            response = client.get(url)
        assert len(response.context["page"].object_list) == 5
        counts.append((len(first), len(later)))
    assert counts[0] == counts[1]
    assert counts[0][0] == counts[0][1]


def _bookings(response):
    return response.context["page"].object_list


def _book(user, rooms, first: dt.datetime, days: int) -> None:
    for day in range(days):
        for room in rooms:
            Booking.objects.create(
                space=room,
                user=user,
                kind=Booking.Kind.SEAT,
                starts_at=first + dt.timedelta(days=day),
                ends_at=first + dt.timedelta(days=day, hours=1),
                purpose="打合せ",
            )


def test_my_bookings_walk_with_ties_both_ways(client, staff_user, koriyama):
    # Three rooms booked at the same times: every start is shared by three rows.
    rooms = [make_space(koriyama, name=f"ルーム{i}") for i in range(3)]
    _book(staff_user, rooms, at(2020, 12, 1, 10), days=15)
    client.force_login(staff_user)
    mine = Booking.objects.filter(user=staff_user)
    past = _walk(client, reverse("spaces:mine") + "?when=past", _bookings)
    assert [len(page) for page in past] == [20, 20, 5]
    assert [pk for page in past for pk in page] == list(
        mine.order_by("-starts_at", "-id").values_list("pk", flat=True)
    )
    html = client.get(reverse("spaces:mine") + "?when=past").content.decode()
    last = reverse("spaces:mine") + _link(html, "next")
    last = reverse("spaces:mine") + _link(client.get(last).content.decode(), "next")
    assert _walk(client, last, _bookings, rel="prev") == past[::-1]


def test_my_upcoming_bookings_walk_earliest_first(client, staff_user, koriyama):
    rooms = [make_space(koriyama, name=f"ルーム{i}") for i in range(2)]
    _book(staff_user, rooms, timezone.now() + dt.timedelta(days=30), days=12)
    client.force_login(staff_user)
    upcoming = _walk(client, reverse("spaces:mine"), _bookings)
    assert [len(page) for page in upcoming] == [20, 4]
    assert [pk for page in upcoming for pk in page] == list(
        Booking.objects.filter(user=staff_user)
        .order_by("starts_at", "id")
        .values_list("pk", flat=True)
    )


def _pending_world(koriyama, coordinator_user, booker, rooms: int, per_room: int):
    for r in range(rooms):
        room = make_space(koriyama, name=f"承認ルーム{r}")
        for i in range(per_room):
            Booking.objects.create(
                space=room,
                user=booker,
                kind=Booking.Kind.WHOLE_ROOM,
                status=Booking.Status.PENDING,
                starts_at=at(2020, 12, 1, 10) + dt.timedelta(days=i),
                ends_at=at(2020, 12, 1, 11) + dt.timedelta(days=i),
                purpose=f"相談{r}-{i}",
            )


def _pending_rows(response):
    return response.context["page"].object_list


def test_the_pending_list_walks_with_ties_and_keeps_its_place_after_a_decision(
    client, coordinator_user, staff_user, koriyama
):
    _pending_world(koriyama, coordinator_user, staff_user, rooms=4, per_room=20)
    client.force_login(coordinator_user)
    pages = _walk(client, reverse("spaces:pending"), _pending_rows)
    assert [len(page) for page in pages] == [30, 30, 20]
    assert [pk for page in pages for pk in page] == list(
        Booking.objects.filter(status="pending")
        .order_by("starts_at", "id")
        .values_list("pk", flat=True)
    )
    # The approve form of a later page comes back to that page.
    second = client.get(reverse("spaces:pending"))
    link = _link(second.content.decode(), "next")
    html = client.get(reverse("spaces:pending") + link).content.decode()
    assert f'name="next" value="{reverse("spaces:pending")}{link.replace("&", "&amp;")}"' in html


def test_the_pending_list_costs_the_same_deep_and_at_two_sizes(
    client, coordinator_user, staff_user, koriyama
):
    client.force_login(coordinator_user)
    counts = []
    for rooms, per_room in ((2, 20), (6, 60)):
        Booking.objects.all().delete()
        _pending_world(koriyama, coordinator_user, staff_user, rooms=rooms, per_room=per_room)
        first = client.get(reverse("spaces:pending"))
        url = reverse("spaces:pending") + _link(first.content.decode(), "next")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(_pending_rows(response)) == (10 if rooms == 2 else 30)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", ["anonymous", "staff_user", "company_user", "no_org_user"])
def test_a_cursor_opens_nothing_a_role_could_not_open_before(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("spaces:pending"), {"after": "1608282000000000_1"})
    assert response.status_code == (302 if role == "anonymous" else 403)


def test_another_persons_rows_never_show_whatever_the_cursor(client, staff_user, company_user):
    _notify(company_user, 5)
    _notify(staff_user, 2)
    client.force_login(staff_user)
    theirs = Notification.objects.filter(recipient=company_user).order_by("pk").first()
    micros = (theirs.created_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
        microseconds=1
    )
    for name in ("after", "before"):
        response = client.get(reverse("notifications:list"), {name: f"{micros}_{theirs.pk}"})
        assert {n.recipient_id for n in _notifications(response)} == {staff_user.pk}


def test_an_order_the_pager_cannot_take_is_a_programming_error():
    request = RequestFactory().get("/")
    with pytest.raises(ValueError):
        keyset_paginate(
            request, Notification.objects.all(), order=("-created_at", "id"), per_page=5
        )
    with pytest.raises(ValueError):
        keyset_paginate(request, Notification.objects.all(), order=("-created_at",), per_page=5)
    with pytest.raises(ValueError):
        keyset_paginate(request, Notification.objects.all(), order=("title", "id"), per_page=5)
