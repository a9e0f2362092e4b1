"""Faults a reviewer found in the issue 10 work, each of a kind the issue names: a change
nobody hears of, a rules change that hides live bookings, a time shown wrongly, input
refused for its width, and a stale-page guard that could be skipped."""

import pytest
from django.urls import reverse

from cocreation.notifications.models import Notification
from spaces import rules
from spaces.models import Booking, Space
from spaces.selectors.rules import affected_bookings
from spaces.services.bookings import booking_change, booking_create
from tests.spaces.conftest import BEFORE_OPENING, at

pytestmark = pytest.mark.django_db


def _booking(space, user, kind="whole_room", start=(2020, 12, 18, 13), end=(2020, 12, 18, 15)):
    return booking_create(
        space=space,
        user=user,
        kind=kind,
        starts_at=at(*start),
        ends_at=at(*end),
        purpose="食品ロス削減クエスト 打合せ",
        now=BEFORE_OPENING,
    )


def test_the_booker_is_told_when_a_coordinator_moves_their_booking(
    big_i, staff_user, coordinator_user
):
    booking = _booking(big_i, staff_user)
    booking_change(
        booking=booking,
        user=coordinator_user,
        starts_at=at(2020, 12, 22, 10),
        ends_at=at(2020, 12, 22, 12),
        purpose=booking.purpose,
        now=BEFORE_OPENING,
    )
    note = Notification.objects.get(
        recipient=staff_user, kind="space.booking_changed_by_coordinator"
    )
    assert "2020年12月22日(火) 10:00〜12:00" in note.body
    assert "変更前: 2020年12月18日(金) 13:00〜15:00 (貸切)" in note.body
    # The booker's own change tells the booker nothing.
    booking_change(
        booking=booking,
        user=staff_user,
        starts_at=at(2020, 12, 23, 10),
        ends_at=at(2020, 12, 23, 12),
        purpose=booking.purpose,
        now=BEFORE_OPENING,
    )
    assert (
        Notification.objects.filter(
            recipient=staff_user, kind="space.booking_changed_by_coordinator"
        ).count()
        == 1
    )


def test_a_change_of_kind_alone_reads_as_a_change_to_the_coordinators(
    big_i, staff_user, coordinator_user
):
    Space.objects.filter(pk=big_i.pk).update(whole_room_needs_approval=True)
    big_i.refresh_from_db()
    seat = _booking(
        big_i, staff_user, kind="seat", start=(2020, 12, 18, 10), end=(2020, 12, 18, 12)
    )
    booking_change(
        booking=seat,
        user=staff_user,
        kind="whole_room",
        starts_at=seat.starts_at,
        ends_at=seat.ends_at,
        purpose=seat.purpose,
        now=BEFORE_OPENING,
    )
    note = Notification.objects.get(
        recipient=coordinator_user, kind="space.booking_request_changed"
    )
    assert "2020年12月18日(金) 10:00〜12:00 (座席)" in note.body


def test_taking_a_space_out_of_use_lists_its_live_bookings(big_i, staff_user):
    booking = _booking(big_i, staff_user)
    proposed = rules.RuleSet.from_rows(
        big_i,
        values={"is_active": False},
        hours=[
            {"weekday": h.weekday, "opens_at": h.opens_at, "closes_at": h.closes_at}
            for h in big_i.opening_hours.all()
        ],
        closures=[
            {
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
                "reason": c.reason,
                "every_year": c.every_year,
            }
            for c in big_i.closures.all()
        ],
    )
    affected = affected_bookings(space=big_i, proposed=proposed, now=BEFORE_OPENING)
    assert [item.booking for item in affected] == [booking]
    assert affected[0].reason == "この部屋は利用を終了します（予約できなくなります）。"


def test_the_cancel_page_shows_a_midnight_end_as_24_00(client, big_i, staff_user):
    booking = _booking(big_i, staff_user)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=at(2020, 12, 18, 23), ends_at=at(2020, 12, 19, 0)
    )
    client.force_login(staff_user)
    html = client.get(reverse("spaces:booking_cancel", args=[booking.pk])).content.decode()
    assert "23:00–24:00" in html or "23:00〜24:00" in html
    assert "00:00" not in html.split("<main", 1)[-1].split("</form>", 1)[0]


def test_a_decision_without_the_version_the_page_showed_is_refused(
    client, big_i, staff_user, coordinator_user
):
    Space.objects.filter(pk=big_i.pk).update(whole_room_needs_approval=True)
    big_i.refresh_from_db()
    booking = _booking(big_i, staff_user)
    assert booking.status == Booking.Status.PENDING
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:booking_decide", args=[booking.pk]), {"decision": "approve"}, follow=True
    )
    assert response.status_code in (200, 400)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
