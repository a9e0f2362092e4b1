"""Issue 10 B1: a change of time or kind of a booking that needs approval goes back to
the coordinators. Tried as every role that may edit a booking (the booker, the host's
coordinator, a coordinator of the region, a coordinator named on the space, a site
admin), through the service, the change page, the admin, and parallel requests."""

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from spaces.errors import BookingError
from spaces.models import Booking, Space
from spaces.services.approval import booking_approve, booking_version
from spaces.services.bookings import booking_cancel, booking_change, booking_create
from tests import factories
from tests.parallel import parallel_posts
from tests.spaces.conftest import BEFORE_OPENING, at, make_space

CHANGED = "space.booking_request_changed"
AWAITS_AGAIN = "変更後の予約は、あらためてコーディネーターの承認が必要です"


def _approval_room(space):
    Space.objects.filter(pk=space.pk).update(whole_room_needs_approval=True)
    space.refresh_from_db()
    return space


def _approved(space, booker, coordinator, start=(2020, 12, 18, 13, 30), end=(2020, 12, 18, 15)):
    booking = booking_create(
        space=space,
        user=booker,
        kind="whole_room",
        starts_at=at(*start),
        ends_at=at(*end),
        purpose="食品ロス削減クエスト 打合せ",
        now=BEFORE_OPENING,
    )
    assert booking.status == Booking.Status.PENDING
    booking_approve(booking=booking, user=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


@pytest.fixture
def tamura_coordinator(tamura):
    return factories.make_member(tamura, role="coordinator", email="coord@city.tamura.example.jp")


@pytest.mark.django_db
def test_an_approved_request_moved_and_doubled_awaits_approval_again(
    big_i, staff_user, coordinator_user, tamura_coordinator
):
    """The issue's example: moved to another day with twice the length."""
    room = _approval_room(big_i)
    booking = _approved(room, staff_user, coordinator_user)
    changed = booking_change(
        booking=booking,
        user=staff_user,
        starts_at=at(2020, 12, 22, 13),
        ends_at=at(2020, 12, 22, 16),
        purpose=booking.purpose,
        now=BEFORE_OPENING,
    )
    assert changed.status == Booking.Status.PENDING
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert booking.status_changed_by == staff_user and booking.status_reason == ""
    told = Notification.objects.filter(kind=CHANGED, object_id=str(booking.pk))
    assert {n.recipient for n in told} == {coordinator_user, tamura_coordinator}
    body = told.get(recipient=coordinator_user).body
    assert "2020年12月22日(火) 13:00〜16:00" in body  # the new time
    assert "2020年12月18日(金) 13:30〜15:00" in body  # and the time they had approved
    assert staff_user.display_name in body and "郡山市" in body
    assert "食品ロス削減クエスト 打合せ" in body


# Who may edit someone's approved booking, and whether their change needs approval.
EDITORS = [
    ("staff_user", True),
    ("coordinator_user", False),
    ("tamura_coordinator", False),
    ("named_coordinator", False),
    ("site_admin", False),
]


@pytest.fixture
def current_room(koriyama, region):
    """The room in the current period with approval, so the change page (which judges by
    the clock) accepts the dates."""
    today = timezone.localdate()
    space = make_space(
        koriyama,
        name="ビッグアイ（今期）",
        regions=[region],
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=90),
        whole_room_needs_approval=True,
        closed_on_public_holidays=False,
    )
    # Dates are chosen relative to today: no closure or holiday may fall on them.
    space.closures.all().delete()
    return space


def _weekday_after(days: int, weekday: int) -> dt.date:
    """The first `weekday` (0 = Monday) at least `days` days from today."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _approved_now(space, booker, coordinator, day, start=13, end=15):
    booking = booking_create(
        space=space,
        user=booker,
        kind="whole_room",
        starts_at=_aware(day, start),
        ends_at=_aware(day, end),
        purpose="定例打合せ",
    )
    booking_approve(booking=booking, user=coordinator)
    booking.refresh_from_db()
    return booking


def _change(kind, day, start, end, purpose="定例打合せ"):
    return {
        "kind": kind,
        "date": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "purpose": purpose,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "needs_approval"), EDITORS)
def test_each_editor_moves_an_approved_booking_in_the_current_period(
    request, client, current_room, staff_user, coordinator_user, role, needs_approval
):
    if role == "named_coordinator":
        person = factories.make_member(factories.make_company(), email="keeper@example.com")
        current_room.coordinators.add(person)
        editor = person
    else:
        editor = request.getfixturevalue(role)
    friday = _weekday_after(7, 4)
    booking = _approved_now(current_room, staff_user, coordinator_user, friday)
    tuesday = _weekday_after(14, 1)
    client.force_login(editor)
    response = client.post(
        reverse("spaces:booking_change", args=[booking.pk]),
        _change("whole_room", tuesday, "13:00", "17:00"),
        follow=True,
    )
    html = response.content.decode()
    booking.refresh_from_db()
    assert booking.starts_at == _aware(tuesday, 13) and booking.ends_at == _aware(tuesday, 17)
    told = Notification.objects.filter(kind=CHANGED, object_id=str(booking.pk))
    if needs_approval:
        assert booking.status == Booking.Status.PENDING
        assert AWAITS_AGAIN in html
        assert coordinator_user in {n.recipient for n in told}
    else:
        assert booking.status == Booking.Status.CONFIRMED
        assert AWAITS_AGAIN not in html and "予約を変更しました" in html
        assert not told.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["tamura_staff", "company_user", "no_org_user"])
def test_people_who_may_not_edit_cannot_move_an_approved_booking(
    request, client, current_room, staff_user, coordinator_user, tamura, role
):
    if role == "tamura_staff":
        editor = factories.make_member(tamura, email="staff@city.tamura.example.jp")
    else:
        editor = request.getfixturevalue(role)
    friday = _weekday_after(7, 4)
    booking = _approved_now(current_room, staff_user, coordinator_user, friday)
    client.force_login(editor)
    response = client.post(
        reverse("spaces:booking_change", args=[booking.pk]),
        _change("whole_room", _weekday_after(14, 1), "13:00", "17:00"),
    )
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.starts_at == _aware(friday, 13) and booking.status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_the_booker_turning_a_seat_into_the_whole_room_awaits_approval(
    client, current_room, staff_user, coordinator_user
):
    friday = _weekday_after(7, 4)
    seat = booking_create(
        space=current_room,
        user=staff_user,
        kind="seat",
        starts_at=_aware(friday, 13),
        ends_at=_aware(friday, 14),
        purpose="資料作成",
    )
    assert seat.status == Booking.Status.CONFIRMED
    client.force_login(staff_user)
    response = client.post(
        reverse("spaces:booking_change", args=[seat.pk]),
        _change("whole_room", friday, "13:00", "14:00", purpose="説明会"),
        follow=True,
    )
    seat.refresh_from_db()
    assert seat.kind == Booking.Kind.WHOLE_ROOM
    assert seat.status == Booking.Status.PENDING
    assert AWAITS_AGAIN in response.content.decode()
    assert Notification.objects.filter(
        kind=CHANGED, recipient=coordinator_user, object_id=str(seat.pk)
    ).exists()


@pytest.mark.django_db
def test_a_change_of_kind_by_the_service_goes_back_to_pending(big_i, staff_user, coordinator_user):
    room = _approval_room(big_i)
    seat = booking_create(
        space=room,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 10),
        ends_at=at(2020, 12, 18, 12),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    changed = booking_change(
        booking=seat,
        user=staff_user,
        kind="whole_room",
        starts_at=seat.starts_at,
        ends_at=seat.ends_at,
        purpose="作業",
        now=BEFORE_OPENING,
    )
    assert (changed.kind, changed.status) == ("whole_room", "pending")
    # Back to a seat: seats need no approval, so it is confirmed again.
    back = booking_change(
        booking=changed,
        user=staff_user,
        kind="seat",
        starts_at=seat.starts_at,
        ends_at=seat.ends_at,
        purpose="作業",
        now=BEFORE_OPENING,
    )
    assert (back.kind, back.status) == ("seat", "confirmed")


@pytest.mark.django_db
def test_a_pending_request_moved_stays_pending_and_the_coordinators_hear_of_it(
    big_i, staff_user, coordinator_user
):
    room = _approval_room(big_i)
    booking = booking_create(
        space=room,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    booking_change(
        booking=booking,
        user=staff_user,
        starts_at=at(2020, 12, 23, 10),
        ends_at=at(2020, 12, 23, 12),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    note = Notification.objects.get(kind=CHANGED, recipient=coordinator_user)
    assert "2020年12月23日(水) 10:00〜12:00" in note.body


@pytest.mark.django_db
def test_changing_only_the_purpose_keeps_the_approval(big_i, staff_user, coordinator_user):
    room = _approval_room(big_i)
    booking = _approved(room, staff_user, coordinator_user)
    changed = booking_change(
        booking=booking,
        user=staff_user,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        purpose="食品ロス削減クエスト 第2回打合せ",
        now=BEFORE_OPENING,
    )
    assert changed.status == Booking.Status.CONFIRMED
    assert not Notification.objects.filter(kind=CHANGED).exists()


@pytest.mark.django_db
def test_a_room_without_approval_keeps_changes_confirmed(big_i, staff_user):
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    changed = booking_change(
        booking=booking,
        user=staff_user,
        starts_at=at(2020, 12, 22, 13),
        ends_at=at(2020, 12, 22, 16),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    assert changed.status == Booking.Status.CONFIRMED
    assert not Notification.objects.filter(kind=CHANGED).exists()


@pytest.mark.django_db
def test_a_refused_move_keeps_the_approved_booking_as_it_was(
    big_i, staff_user, tamura, coordinator_user
):
    room = _approval_room(big_i)
    booking = _approved(room, staff_user, coordinator_user)
    other = factories.make_member(tamura, email="staff@city.tamura.example.jp")
    booking_create(
        space=room,
        user=other,
        kind="seat",
        starts_at=at(2020, 12, 22, 15),
        ends_at=at(2020, 12, 22, 16),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    with pytest.raises(BookingError) as refused:
        booking_change(
            booking=booking,
            user=staff_user,
            starts_at=at(2020, 12, 22, 13),
            ends_at=at(2020, 12, 22, 16),
            purpose="x",
            now=BEFORE_OPENING,
        )
    assert refused.value.refusals[0].message == "この時間帯は他の予約と重なっています"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.starts_at == at(
        2020, 12, 18, 13, 30
    )
    assert not Notification.objects.filter(kind=CHANGED).exists()


@pytest.mark.django_db
def test_an_approval_sent_for_the_old_time_is_refused_after_a_move(
    client, big_i, staff_user, coordinator_user
):
    """The coordinator opened the pending list, the booker moved the request, then the
    coordinator pressed "approve": that approves what they saw, not the new time."""
    room = _approval_room(big_i)
    booking = booking_create(
        space=room,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    client.force_login(coordinator_user)
    html = client.get(reverse("spaces:pending")).content.decode()
    seen = booking_version(booking)
    assert f'name="version" value="{seen}"' in html
    detail = client.get(booking.get_absolute_url()).content.decode()
    assert f'value="{seen}"' in detail
    booking_change(
        booking=booking,
        user=staff_user,
        starts_at=at(2020, 12, 22, 10),
        ends_at=at(2020, 12, 22, 19),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    response = client.post(
        reverse("spaces:booking_decide", args=[booking.pk]),
        {"decision": "approve", "version": seen, "next": reverse("spaces:pending")},
        follow=True,
    )
    assert "開いた後で予約が変更されました" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    # With the new version (the page reloaded), the approval goes through.
    client.post(
        reverse("spaces:booking_decide", args=[booking.pk]),
        {"decision": "approve", "version": booking_version(booking)},
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.mark.django_db
def test_the_change_page_warns_the_booker_before_saving(
    client, current_room, staff_user, coordinator_user
):
    booking = _approved_now(current_room, staff_user, coordinator_user, _weekday_after(7, 4))
    client.force_login(staff_user)
    html = client.get(reverse("spaces:booking_change", args=[booking.pk])).content.decode()
    assert "日時や種類を変えると、あらためてコーディネーターの承認が必要" in html
    client.force_login(coordinator_user)
    html = client.get(reverse("spaces:booking_change", args=[booking.pk])).content.decode()
    assert "日時や種類を変えると" not in html


@pytest.mark.django_db
def test_the_admin_cannot_move_a_booking_around_the_rules(
    big_i, staff_user, coordinator_user, site_admin
):
    """Site admins change bookings on the portal's pages (they coordinate every space),
    where the rules and approvals apply; the admin shows time, kind and status read-only
    and adds no bookings."""
    room = _approval_room(big_i)
    booking = _approved(room, staff_user, coordinator_user)
    request = RequestFactory().get("/admin/")
    request.user = site_admin
    model_admin = admin.site._registry[Booking]
    form_class = model_admin.get_form(request, booking, change=True)
    for name in ("space", "user", "kind", "starts_at", "ends_at", "status"):
        assert name not in form_class.base_fields, name
    assert not model_admin.has_add_permission(request)
    client = Client()
    client.force_login(site_admin)
    url = reverse("admin:spaces_booking_change", args=[booking.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("spaces:booking_change", args=[booking.pk]) in page.content.decode()
    client.post(
        url,
        {
            "purpose": booking.purpose,
            "kind": "whole_room",
            "starts_at_0": "2020-12-22",
            "starts_at_1": "13:00",
            "ends_at_0": "2020-12-22",
            "ends_at_1": "19:00",
            "status": "confirmed",
        },
    )
    booking.refresh_from_db()
    assert booking.starts_at == at(2020, 12, 18, 13, 30)


# --- Races -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_bookers_moving_approved_bookings_into_one_time_at_once():
    """Both approved on different days, both moved to the same afternoon at the same
    moment: one request holds it (pending), the other is refused; no error page."""
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    today = timezone.localdate()
    room = make_space(
        koriyama,
        regions=[region],
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=60),
        whole_room_needs_approval=True,
        closed_on_public_holidays=False,
    )
    room.closures.all().delete()
    coordinator = factories.make_member(koriyama, role="coordinator", email="c@city.koriyama.lg.jp")
    people = [
        factories.make_member(koriyama, email=f"mover{i}@city.koriyama.lg.jp") for i in range(6)
    ]
    base = _weekday_after(7, 1)
    days = [base + dt.timedelta(days=offset) for offset in (0, 1, 2, 3, 7, 8)]
    bookings = [
        _approved_now(room, person, coordinator, day)
        for person, day in zip(people, days, strict=True)
    ]
    target = _weekday_after(21, 4)
    requests = []
    for person, booking in zip(people, bookings, strict=True):
        client = Client()
        client.force_login(person)
        requests.append(
            (
                client,
                reverse("spaces:booking_change", args=[booking.pk]),
                _change("whole_room", target, "13:00", "17:00"),
            )
        )
    responses = parallel_posts(requests, follow=True)
    assert 500 not in [r.status_code for r in responses]
    pages = [r.content.decode() for r in responses]
    assert sum(AWAITS_AGAIN in p for p in pages) == 1
    assert sum("この時間帯は他の予約と重なっています" in p for p in pages) == 5
    on_target = Booking.objects.filter(space=room, starts_at=_aware(target, 13))
    assert [b.status for b in on_target] == [Booking.Status.PENDING]
    # The five refused stay approved where they were.
    assert Booking.objects.filter(space=room, status=Booking.Status.CONFIRMED).count() == 5
    assert Notification.objects.filter(kind=CHANGED, recipient=coordinator).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_move_never_confirms_the_new_time_unseen():
    """The booker moves the request while a coordinator approves what the page showed:
    whichever runs first, the booking ends pending at the new time."""
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    today = timezone.localdate()
    room = make_space(
        koriyama,
        regions=[region],
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=60),
        whole_room_needs_approval=True,
        closed_on_public_holidays=False,
    )
    room.closures.all().delete()
    coordinator = factories.make_member(koriyama, role="coordinator", email="c@city.koriyama.lg.jp")
    booker = factories.make_member(koriyama, email="booker@city.koriyama.lg.jp")
    for round_ in range(4):
        day = _weekday_after(7 + 7 * round_, 2)
        booking = booking_create(
            space=room,
            user=booker,
            kind="whole_room",
            starts_at=_aware(day, 10),
            ends_at=_aware(day, 12),
            purpose=f"打合せ{round_}",
        )
        seen = booking_version(booking)
        booker_client, coordinator_client = Client(), Client()
        booker_client.force_login(booker)
        coordinator_client.force_login(coordinator)
        responses = parallel_posts(
            [
                (
                    booker_client,
                    reverse("spaces:booking_change", args=[booking.pk]),
                    _change("whole_room", day, "10:00", "19:00", purpose=f"打合せ{round_}"),
                ),
                (
                    coordinator_client,
                    reverse("spaces:booking_decide", args=[booking.pk]),
                    {"decision": "approve", "version": seen},
                ),
            ]
        )
        assert 500 not in [r.status_code for r in responses]
        booking.refresh_from_db()
        assert booking.ends_at == _aware(day, 19), round_
        assert booking.status == Booking.Status.PENDING, round_


@pytest.mark.django_db
def test_deciding_cancelling_and_changing_lock_only_the_booking_row(
    big_i, staff_user, coordinator_user
):
    """A change locks the space, then the booking. Deciding and cancelling lock the booking
    alone: locking the joined space (or booker) row too took the locks in the opposite
    order and a decision racing a change ended in a deadlock error."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    room = _approval_room(big_i)
    booking = booking_create(
        space=room,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    with CaptureQueriesContext(connection) as change:
        booking_change(
            booking=booking,
            user=staff_user,
            starts_at=at(2020, 12, 22, 13),
            ends_at=at(2020, 12, 22, 15),
            purpose="打合せ",
            now=BEFORE_OPENING,
        )
    with CaptureQueriesContext(connection) as decide:
        booking_approve(booking=booking, user=coordinator_user)
    with CaptureQueriesContext(connection) as cancel:
        booking_cancel(booking=booking, user=coordinator_user, now=BEFORE_OPENING)
    for captured in (change, decide, cancel):
        locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
        booking_locks = [sql for sql in locks if 'FROM "spaces_booking"' in sql]
        assert booking_locks, locks
        for sql in booking_locks:
            assert sql.rstrip().endswith('FOR UPDATE OF "spaces_booking"'), sql
