"""Who can book, see names and approve, tried as every role."""

import pytest
from django.urls import reverse

from spaces import permissions
from spaces.errors import BookingError
from spaces.services.approval import booking_approve, booking_decline
from spaces.services.bookings import booking_cancel, booking_create
from tests import factories
from tests.spaces.conftest import BEFORE_OPENING, at

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "no_org_user",
    "staff_user",
    "tamura_staff",
    "company_user",
    "coordinator_user",
    "site_admin",
    "outside_staff",
]
MAY_BOOK = {"staff_user", "tamura_staff", "coordinator_user", "site_admin"}


@pytest.fixture
def tamura_staff(tamura):
    return factories.make_member(
        tamura, email="staff@city.tamura.example.jp", family="大川原", given="一博"
    )


@pytest.fixture
def outside_staff(db):
    yokoze = factories.make_municipality("横瀬町", "113611", domain="yokoze.example.jp")
    return factories.make_member(yokoze, email="staff@yokoze.example.jp")


@pytest.mark.parametrize("role", ROLES)
def test_pages_as_each_role(request, client, big_i, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for name in ("detail", "week", "month", "book", "series"):
        response = client.get(reverse(f"spaces:{name}", args=[big_i.pk]))
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role in MAY_BOOK:
            assert response.status_code == 200, (name, role)
        else:
            assert response.status_code == 403, (name, role)
    for name in ("occupancy", "bookings_csv"):
        response = client.get(reverse(f"spaces:{name}", args=[big_i.pk]))
        expected = (
            200
            if role in {"coordinator_user", "site_admin"}
            else (302 if role == "anonymous" else 403)
        )
        assert response.status_code == expected, (name, role)
    listing = client.get(reverse("spaces:list"))
    if role != "anonymous":
        assert (big_i.name in listing.content.decode()) is (role in MAY_BOOK)


def test_quest_team_members_may_book_a_space_open_to_their_quest(big_i, koriyama, outside_staff):
    from tests.quests import factories as qf

    quest = qf.make_quest(koriyama)
    assert not permissions.can_book(outside_staff, big_i)
    qf.add_to_team(quest, outside_staff, outside_staff.memberships.get().organisation)
    big_i.allowed_quests.add(quest)
    outside_staff.__dict__.pop("_space_access_cache", None)
    assert permissions.can_book(outside_staff, big_i)


def test_names_of_seat_bookers_only_for_coordinators(
    client, big_i, staff_user, tamura_staff, coordinator_user
):
    booking_create(
        space=big_i,
        user=tamura_staff,
        kind="seat",
        starts_at=at(2020, 12, 18, 10),
        ends_at=at(2020, 12, 18, 12),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="クエスト打合せ",
        now=BEFORE_OPENING,
    )
    url = reverse("spaces:week", args=[big_i.pk]) + "?date=2020-12-18"
    client.force_login(tamura_staff)
    html = client.get(url).content.decode()
    assert "クエスト打合せ" in html and staff_user.display_name in html  # whole room: named
    client.force_login(staff_user)
    html = client.get(url).content.decode()
    assert "1席利用" in html and tamura_staff.display_name not in html  # seats: counted
    client.force_login(coordinator_user)
    assert tamura_staff.display_name in client.get(url).content.decode()


def test_others_cannot_open_or_cancel_my_booking(client, big_i, staff_user, tamura_staff):
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 10),
        ends_at=at(2020, 12, 18, 12),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    client.force_login(tamura_staff)
    assert client.get(booking.get_absolute_url()).status_code == 404
    assert client.post(reverse("spaces:booking_cancel", args=[booking.pk])).status_code == 404


@pytest.fixture
def tamura_coordinator(tamura):
    return factories.make_member(tamura, role="coordinator", email="coord@city.tamura.example.jp")


@pytest.fixture
def outside_coordinator(db):
    yokoze = factories.make_municipality("横瀬町", "113611", domain="yokoze.example.jp")
    return factories.make_member(yokoze, role="coordinator", email="coord@yokoze.example.jp")


@pytest.mark.parametrize(
    ("role", "may_coordinate"),
    [
        ("staff_user", False),
        ("tamura_staff", False),
        ("company_user", False),
        ("coordinator_user", True),
        ("tamura_coordinator", True),
        ("outside_coordinator", False),
        ("site_admin", True),
        ("no_org_user", False),
    ],
)
def test_who_coordinates_the_space(request, big_i, role, may_coordinate):
    user = request.getfixturevalue(role)
    assert permissions.can_coordinate(user, big_i) is may_coordinate


def test_named_coordinators_of_the_space_coordinate_and_book(big_i, company_user):
    assert not permissions.can_book(company_user, big_i)
    big_i.coordinators.add(company_user)
    company_user.__dict__.pop("_space_access_cache", None)
    assert permissions.can_coordinate(company_user, big_i)
    assert permissions.can_book(company_user, big_i)


def test_members_of_a_listed_organisation_may_book(big_i, company, company_user):
    assert not permissions.can_book(company_user, big_i)
    big_i.allowed_organisations.add(company)
    company_user.__dict__.pop("_space_access_cache", None)
    assert permissions.can_book(company_user, big_i)


def test_a_refused_role_gets_the_reason_from_the_service(big_i, outside_staff):
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=big_i,
            user=outside_staff,
            kind="seat",
            starts_at=at(2020, 12, 18, 10),
            ends_at=at(2020, 12, 18, 12),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "このスペースを予約する権限がありません"


@pytest.mark.parametrize(
    ("role", "whole_room", "seat"),
    [
        ("anonymous", False, False),
        ("no_org_user", False, False),
        ("staff_user", True, False),
        ("tamura_staff", True, False),
        ("outside_staff", False, False),
        ("company_user", False, False),
        ("coordinator_user", True, True),
        ("site_admin", True, True),
    ],
)
def test_who_sees_booker_names(request, big_i, role, whole_room, seat):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    assert permissions.can_see_booker_names(user, big_i, "whole_room") is whole_room
    assert permissions.can_see_booker_names(user, big_i, "seat") is seat


def test_who_may_cancel_and_until_when(big_i, staff_user, tamura_staff, coordinator_user):
    from spaces.models import Space

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
    early, late, after = at(2020, 12, 16, 9), at(2020, 12, 18, 9), at(2020, 12, 18, 15)
    assert permissions.can_cancel(staff_user, booking, now=early)
    assert not permissions.can_cancel(staff_user, booking, now=late)
    assert not permissions.can_cancel(tamura_staff, booking, now=early)
    assert permissions.can_cancel(coordinator_user, booking, now=late)
    assert not permissions.can_cancel(coordinator_user, booking, now=after)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=booking, user=tamura_staff, now=early)
    assert refused.value.refusals[0].message == "この予約を取り消す権限がありません"


def test_only_coordinators_approve_and_a_decline_needs_a_reason(
    big_i, staff_user, tamura_staff, coordinator_user
):
    from cocreation.notifications.models import Notification
    from spaces.models import Space

    Space.objects.filter(pk=big_i.pk).update(whole_room_needs_approval=True)
    big_i.refresh_from_db()
    booking = booking_create(
        space=big_i,
        user=tamura_staff,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="クエスト打合せ",
        now=BEFORE_OPENING,
    )
    assert booking.status == "pending"
    # Pending holds the time: nobody else may take it meanwhile.
    with pytest.raises(BookingError):
        booking_create(
            space=big_i,
            user=staff_user,
            kind="seat",
            starts_at=at(2020, 12, 18, 14),
            ends_at=at(2020, 12, 18, 15),
            purpose="作業",
            now=BEFORE_OPENING,
        )
    with pytest.raises(BookingError):
        booking_approve(booking=booking, user=staff_user)
    with pytest.raises(BookingError) as refused:
        booking_decline(booking=booking, user=coordinator_user, reason=" ")
    assert refused.value.refusals[0].field == "reason"
    booking_decline(booking=booking, user=coordinator_user, reason="館内行事のため")
    booking.refresh_from_db()
    assert booking.status == "declined"
    note = Notification.objects.get(recipient=tamura_staff, kind="space.booking_declined")
    assert "館内行事のため" in note.body
    # Declined frees the time.
    booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 14),
        ends_at=at(2020, 12, 18, 15),
        purpose="作業",
        now=BEFORE_OPENING,
    )
