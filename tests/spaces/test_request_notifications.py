"""Issue 10 B2: the space's coordinators (those who may approve) are told of each new
request, in the portal and by a plain-text mail with the details, and reminded once a
day of requests still pending after a day."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cocreation.notifications import tasks as notification_tasks
from cocreation.notifications.models import Notification
from cocreation.notifications.reminders import run_reminders, sources
from cocreation.notifications.services import build_email
from spaces import permissions
from spaces.models import Booking, Space
from spaces.selectors.approval import space_coordinators
from spaces.services.approval import booking_approve
from spaces.services.bookings import booking_change, booking_create
from spaces.services.series import series_confirm
from tests import factories
from tests.spaces.conftest import BEFORE_OPENING, at

pytestmark = pytest.mark.django_db

REQUESTED = "space.booking_requested"
SERIES_REQUESTED = "space.booking_series_requested"
REMINDER = "space.booking_request_reminder"
REQUEST_REMINDERS = "spaces.request_reminders"


def _remind(*, now) -> int:
    """The request reminders the one runner sends at `now`."""
    return run_reminders(now=now, only=[REQUEST_REMINDERS])[REQUEST_REMINDERS]


@pytest.fixture
def room(big_i):
    Space.objects.filter(pk=big_i.pk).update(whole_room_needs_approval=True)
    big_i.refresh_from_db()
    return big_i


@pytest.fixture
def tamura_coordinator(tamura):
    return factories.make_member(
        tamura, role="coordinator", email="coord@city.tamura.example.jp", family="大川原"
    )


@pytest.fixture
def outside_coordinator(db):
    yokoze = factories.make_municipality("横瀬町", "113611", domain="yokoze.example.jp")
    return factories.make_member(yokoze, role="coordinator", email="coord@yokoze.example.jp")


@pytest.fixture
def named_coordinator(room, company):
    person = factories.make_member(company, email="room-keeper@foodshare.example.com")
    room.coordinators.add(person)
    return person


def _request(room, user, *, start=(2020, 12, 18, 10), end=(2020, 12, 18, 12), purpose="説明会"):
    return booking_create(
        space=room,
        user=user,
        kind="whole_room",
        starts_at=at(*start),
        ends_at=at(*end),
        purpose=purpose,
        now=BEFORE_OPENING,
    )


def test_a_new_request_tells_each_coordinator_who_may_approve_it(
    room,
    staff_user,
    coordinator_user,
    tamura_coordinator,
    named_coordinator,
    outside_coordinator,
    site_admin,
    company_user,
):
    booking = _request(room, staff_user, purpose="食品ロス削減クエスト 説明会")
    assert booking.status == Booking.Status.PENDING
    notes = Notification.objects.filter(kind=REQUESTED)
    assert {n.recipient for n in notes} == {coordinator_user, tamura_coordinator, named_coordinator}
    note = notes.get(recipient=coordinator_user)
    assert note.url == booking.get_absolute_url()
    assert note.object_id == str(booking.pk)
    for detail in (
        "郡山市民プラザ 多目的ルーム",
        "2020年12月18日(金) 10:00〜12:00",
        staff_user.display_name,
        "郡山市",
        "食品ロス削減クエスト 説明会",
    ):
        assert detail in note.body, detail
    # The recipients are exactly those the permission rule lets approve (site admins, who
    # may approve anything, are told only when a space has nobody else: see below).
    for person in (
        staff_user,
        coordinator_user,
        tamura_coordinator,
        named_coordinator,
        outside_coordinator,
        company_user,
    ):
        assert notes.filter(recipient=person).exists() is permissions.can_coordinate(person, room)


def test_the_mail_reads_fully_as_plain_text(room, staff_user, coordinator_user):
    booking = _request(room, staff_user, purpose="食品ロス削減クエスト 説明会")
    note = Notification.objects.get(kind=REQUESTED, recipient=coordinator_user)
    assert note.email_status == Notification.EmailStatus.PENDING
    message = build_email(note)
    text = message.body
    assert message.to == [coordinator_user.email]
    assert "承認" in message.subject and "郡山市民プラザ 多目的ルーム" in message.subject
    for line in (
        "部屋: 郡山市民プラザ 多目的ルーム（ビッグアイ 6階 福島県郡山市駅前二丁目11番1号）",
        "日時: 2020年12月18日(金) 10:00〜12:00",
        f"申請者: {staff_user.display_name}（郡山市）",
        "利用目的: 食品ロス削減クエスト 説明会",
        f"{settings.SITE_URL}{booking.get_absolute_url()}",
    ):
        assert line in text, line
    assert "<" not in text and "&" not in text  # no markup or entities in the text part


def test_nobody_is_asked_when_nothing_needs_approval(big_i, room, staff_user, coordinator_user):
    _request(room, coordinator_user)  # a coordinator's own booking is confirmed
    booking_create(
        space=room,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 22, 10),
        ends_at=at(2020, 12, 22, 12),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    assert not Notification.objects.filter(kind=REQUESTED).exists()


def test_site_admins_are_told_when_the_space_has_no_coordinator(db, site_admin):
    host = factories.make_municipality("横瀬町", "113611", domain="yokoze.example.jp")
    from tests.spaces.conftest import make_space

    lonely = make_space(host, name="横瀬町 会議室", whole_room_needs_approval=True)
    lonely.allowed_organisations.add(host)
    booker = factories.make_member(host, email="staff@yokoze.example.jp")
    _request(lonely, booker)
    assert [n.recipient for n in Notification.objects.filter(kind=REQUESTED)] == [site_admin]
    assert space_coordinators(lonely) == [site_admin]
    assert permissions.can_coordinate(site_admin, lonely)


def test_an_inactive_coordinator_is_not_told(
    room, staff_user, coordinator_user, tamura_coordinator
):
    tamura_coordinator.is_active = False
    tamura_coordinator.save(update_fields=["is_active"])
    _request(room, staff_user)
    assert [n.recipient for n in Notification.objects.filter(kind=REQUESTED)] == [coordinator_user]


def test_a_weekly_series_request_is_one_message_listing_its_dates(
    room, staff_user, coordinator_user
):
    series, created, _skipped = series_confirm(
        space=room,
        user=staff_user,
        kind="whole_room",
        first_date=dt.date(2020, 12, 18),
        last_date=dt.date(2021, 1, 15),
        start_time=dt.time(13, 30),
        end_time=dt.time(15),
        purpose="食品ロス削減クエスト 定例",
        now=BEFORE_OPENING,
    )
    # 12/18, 12/25, 1/8, 1/15 (1/1 is closed for the new year).
    assert [b.status for b in created] == ["pending"] * 4
    notes = Notification.objects.filter(recipient=coordinator_user)
    assert [n.kind for n in notes] == [SERIES_REQUESTED]
    body = notes.get().body
    for day in (
        "2020年12月18日(金) 13:30〜15:00",
        "2020年12月25日(金) 13:30〜15:00",
        "2021年1月15日(金) 13:30〜15:00",
    ):
        assert day in body, day
    assert "食品ロス削減クエスト 定例" in body and staff_user.display_name in body


def test_the_header_count_and_the_message_link_lead_to_the_request(
    client, room, staff_user, coordinator_user
):
    booking = _request(room, staff_user)
    note = Notification.objects.get(kind=REQUESTED, recipient=coordinator_user)
    client.force_login(coordinator_user)
    page = client.get(note.url).content.decode()
    assert "承認" in page and booking.purpose in page


# --- Reminders ---------------------------------------------------------------------------


def _pending_since(booking, when):
    Booking.objects.filter(pk=booking.pk).update(created_at=when)


def test_a_request_still_pending_after_a_day_is_reminded_once_a_day(
    room, staff_user, coordinator_user, tamura_coordinator
):
    booking = _request(room, staff_user, start=(2020, 12, 22, 10), end=(2020, 12, 22, 12))
    asked = at(2020, 12, 1, 9)
    _pending_since(booking, asked)
    assert _remind(now=asked + dt.timedelta(hours=23)) == 0
    assert _remind(now=asked + dt.timedelta(hours=25)) == 2
    notes = Notification.objects.filter(kind=REMINDER)
    assert {n.recipient for n in notes} == {coordinator_user, tamura_coordinator}
    body = notes.get(recipient=coordinator_user).body
    assert "2020年12月22日(火) 10:00〜12:00" in body and staff_user.display_name in body
    assert notes.get(recipient=coordinator_user).url == booking.get_absolute_url()
    # Beat runs every 15 minutes: the same day brings nothing more.
    for minutes in (15, 30, 60 * 6, 60 * 22):
        assert _remind(now=asked + dt.timedelta(hours=25, minutes=minutes)) == 0
    assert Notification.objects.filter(kind=REMINDER).count() == 2
    # A day later, still pending: reminded again, once.
    assert _remind(now=asked + dt.timedelta(hours=49)) == 2
    assert _remind(now=asked + dt.timedelta(hours=49, minutes=15)) == 0
    assert Notification.objects.filter(kind=REMINDER).count() == 4


def test_a_decided_or_past_request_is_not_reminded(room, staff_user, coordinator_user):
    decided = _request(room, staff_user, start=(2020, 12, 22, 10), end=(2020, 12, 22, 12))
    past = _request(room, staff_user, start=(2020, 12, 9, 10), end=(2020, 12, 9, 12))
    asked = at(2020, 12, 1, 9)
    _pending_since(decided, asked)
    _pending_since(past, asked)
    booking_approve(booking=decided, user=coordinator_user)
    assert _remind(now=at(2020, 12, 10, 9)) == 0


def test_a_moved_request_is_reminded_again_of_its_new_time(room, staff_user, coordinator_user):
    booking = _request(room, staff_user, start=(2020, 12, 22, 10), end=(2020, 12, 22, 12))
    asked = at(2020, 12, 1, 9)
    _pending_since(booking, asked)
    assert _remind(now=asked + dt.timedelta(hours=25)) == 1
    moved_at = asked + dt.timedelta(hours=26)
    booking_change(
        booking=booking,
        user=staff_user,
        starts_at=at(2020, 12, 23, 13),
        ends_at=at(2020, 12, 23, 15),
        purpose="説明会",
        now=moved_at,
    )
    # The change itself told them; a reminder follows a day after the change.
    assert _remind(now=moved_at + dt.timedelta(hours=23)) == 0
    assert _remind(now=moved_at + dt.timedelta(hours=25)) == 1
    latest = Notification.objects.filter(kind=REMINDER).latest("pk")
    assert "2020年12月23日(水) 13:00〜15:00" in latest.body
    assert "2020-12-23T13:00" in latest.key and str(booking.pk) in latest.key


def test_a_series_is_reminded_by_its_next_date_not_once_per_date(
    room, staff_user, coordinator_user
):
    _series, created, _ = series_confirm(
        space=room,
        user=staff_user,
        kind="whole_room",
        first_date=dt.date(2020, 12, 18),
        last_date=dt.date(2021, 1, 29),
        start_time=dt.time(13, 30),
        end_time=dt.time(15),
        purpose="定例",
        now=BEFORE_OPENING,
    )
    asked = at(2020, 12, 1, 9)
    Booking.objects.filter(pk__in=[b.pk for b in created]).update(created_at=asked)
    assert _remind(now=asked + dt.timedelta(hours=25)) == 1
    note = Notification.objects.get(kind=REMINDER)
    assert "2020年12月18日(金) 13:30〜15:00" in note.body
    assert f"同じ定期予約のほか{len(created) - 1}件" in note.body


def test_the_periodic_task_is_scheduled_and_runs(room, staff_user):
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "cocreation.notifications.tasks.send_reminders"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] <= 900
    assert REQUEST_REMINDERS in sources()
    assert notification_tasks.send_reminders()[REQUEST_REMINDERS] == 0


def test_anonymous_and_outsiders_are_never_recipients(room):
    recipients = space_coordinators(room)
    assert all(not isinstance(r, AnonymousUser) for r in recipients)
    assert all(permissions.can_coordinate(r, room) for r in recipients)


def test_the_pending_page_lists_the_request_for_the_notified(
    client, room, staff_user, coordinator_user
):
    booking = _request(room, staff_user)
    client.force_login(coordinator_user)
    html = client.get(reverse("spaces:pending")).content.decode()
    assert booking.purpose in html


def test_a_coordinator_reading_english_gets_the_request_in_english(room, staff_user, tamura):
    reader = factories.make_member(
        tamura, role="coordinator", email="en@city.tamura.example.jp", preferred_language="en"
    )
    _request(room, staff_user, purpose="Briefing")
    note = Notification.objects.get(kind=REQUESTED, recipient=reader)
    assert note.title.startswith("Approval requested: ")
    for line in (
        "Room: 郡山市民プラザ 多目的ルーム (ビッグアイ 6階",
        "When: Fri 18 Dec 2020 10:00",
        f"Booked by: {staff_user.display_name} (郡山市)",
        "Purpose: Briefing",
    ):
        assert line in note.body, line
