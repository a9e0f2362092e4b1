"""A room that closes at midnight (issue 10 B6): 24:00 is a closing time, stored as 00:00
(the end of the day), booked up to and shown as 24:00 everywhere people read it."""

import csv
import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cocreation.accounts.services import calendar_token_issue
from cocreation.notifications.models import Notification
from spaces import rules
from spaces.admin import OpeningHoursInline
from spaces.errors import BookingError
from spaces.forms.rules import OpeningHoursFormSet
from spaces.models import Booking, OpeningHours, Space
from spaces.selectors.availability import space_with_rules
from spaces.services.bookings import booking_cancel, booking_create
from tests.spaces.conftest import BEFORE_OPENING, at, make_space
from tests.spaces.test_hostile_input import _rules_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("feeds_in_december_2020")]

MIDNIGHT = dt.time(0)


def _late_friday(space: Space) -> None:
    """Fridays open 10:00–24:00 (the row stores 00:00: the end of the day)."""
    OpeningHours.objects.filter(space=space, weekday=4).update(closes_at=MIDNIGHT)


@pytest.fixture
def late_room(koriyama, region):
    """The Big-i room of 2020 with Fridays open until midnight."""
    space = make_space(koriyama, name="ビッグアイ（深夜）", regions=[region])
    _late_friday(space)
    return space


@pytest.fixture
def current_late_room(koriyama, region):
    """The same room in the current period, open every day until midnight, so that the
    pages (which use "now") accept a booking next week."""
    today = timezone.localdate()
    space = make_space(
        koriyama,
        name="ビッグアイ（今期・深夜）",
        regions=[region],
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=90),
        closed_on_public_holidays=False,
    )
    space.closures.all().delete()
    space.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=w, opens_at=dt.time(10), closes_at=MIDNIGHT)
        for w in range(7)
    )
    return space


def _loaded(space: Space) -> Space:
    return space_with_rules(space.pk)


def _late_booking(space, user, day=dt.date(2020, 12, 18), now=BEFORE_OPENING) -> Booking:
    next_day = day + dt.timedelta(days=1)
    return booking_create(
        space=space,
        user=user,
        kind="seat",
        purpose="深夜の資料作成",
        now=now,
        starts_at=at(day.year, day.month, day.day, 23),
        ends_at=at(next_day.year, next_day.month, next_day.day, 0),
    )


# --- Stored as the end of the day --------------------------------------------------------


def test_the_database_takes_00_00_as_closing_at_midnight_and_still_refuses_disorder(big_i):
    OpeningHours.objects.create(space=big_i, weekday=5, opens_at=dt.time(10), closes_at=MIDNIGHT)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(
            space=big_i, weekday=6, opens_at=dt.time(19), closes_at=dt.time(10)
        )


def test_the_rules_say_the_room_is_open_until_24_00(late_room):
    info = rules.day_info(_loaded(late_room), dt.date(2020, 12, 18))
    assert info.is_open and info.hours_text == "10:00〜24:00"
    assert ("金曜日", "10:00〜24:00") in rules.weekly_hours_text(_loaded(late_room))
    slots = rules.slots(_loaded(late_room), dt.date(2020, 12, 18))
    assert slots[-1] == (at(2020, 12, 18, 23, 30), at(2020, 12, 19, 0))


# --- Booking up to midnight --------------------------------------------------------------


def test_a_booking_from_23_00_until_24_00_can_be_made(late_room, staff_user):
    booking = _late_booking(late_room, staff_user)
    assert booking.status == Booking.Status.CONFIRMED
    assert timezone.localtime(booking.ends_at) == at(2020, 12, 19, 0)


def test_a_booking_past_midnight_is_refused(late_room, staff_user):
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=late_room,
            user=staff_user,
            kind="seat",
            purpose="作業",
            now=BEFORE_OPENING,
            starts_at=at(2020, 12, 18, 23, 30),
            ends_at=at(2020, 12, 19, 0, 30),
        )
    assert [r.code for r in refused.value.refusals] == ["midnight"]
    # A Thursday still closes at 19:00: until midnight is outside its hours.
    with pytest.raises(BookingError) as refused:
        booking_create(
            space=late_room,
            user=staff_user,
            kind="seat",
            purpose="作業",
            now=BEFORE_OPENING,
            starts_at=at(2020, 12, 17, 23),
            ends_at=at(2020, 12, 18, 0),
        )
    assert [(r.code, r.message) for r in refused.value.refusals] == [
        ("hours", "開館時間は10:00〜19:00です")
    ]


def test_the_booking_form_offers_24_00_and_books_until_midnight(
    client, staff_user, current_late_room
):
    day = timezone.localdate() + dt.timedelta(days=7)
    client.force_login(staff_user)
    url = reverse("spaces:book", args=[current_late_room.pk])
    page = client.get(url).content.decode()
    assert '<option value="24:00">24:00</option>' in page
    response = client.post(
        url,
        {
            "kind": "seat",
            "date": day.isoformat(),
            "start_time": "23:00",
            "end_time": "24:00",
            "purpose": "深夜の資料作成",
        },
    )
    assert response.status_code == 302, response.content.decode()
    booking = Booking.objects.get(purpose="深夜の資料作成")
    next_day = day + dt.timedelta(days=1)
    assert timezone.localtime(booking.ends_at) == at(next_day.year, next_day.month, next_day.day, 0)
    # The change form shows the booking's end as 24:00, not as a 00:00 it cannot offer.
    change = client.get(reverse("spaces:booking_change", args=[booking.pk]))
    assert '<option value="24:00" selected>24:00</option>' in change.content.decode()


def test_the_booking_form_refuses_an_end_past_midnight_next_to_the_field(
    client, staff_user, current_late_room
):
    day = timezone.localdate() + dt.timedelta(days=7)
    client.force_login(staff_user)
    url = reverse("spaces:book", args=[current_late_room.pk])
    response = client.post(
        url,
        {
            "kind": "seat",
            "date": day.isoformat(),
            "start_time": "23:30",
            "end_time": "24:30",
            "purpose": "深夜",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"]
    assert not Booking.objects.exists()


def test_the_week_link_of_the_last_slot_fills_the_form_with_24_00(
    client, staff_user, current_late_room
):
    day = timezone.localdate() + dt.timedelta(days=7)
    next_day = day + dt.timedelta(days=1)
    client.force_login(staff_user)
    week = client.get(
        reverse("spaces:week", args=[current_late_room.pk]), {"date": day.isoformat()}
    ).content.decode()
    link = f"end={next_day.isoformat()}T00:00"
    assert link in week and "23:30" in week
    form = client.get(
        reverse("spaces:book", args=[current_late_room.pk]),
        {"start": f"{day.isoformat()}T23:30", "end": f"{next_day.isoformat()}T00:00"},
    ).content.decode()
    assert '<option value="24:00" selected>24:00</option>' in form


# --- Shown as 24:00 ----------------------------------------------------------------------


def test_midnight_reads_24_00_on_the_pages(client, late_room, staff_user, coordinator_user):
    booking = _late_booking(late_room, staff_user)
    client.force_login(staff_user)
    detail = client.get(reverse("spaces:detail", args=[late_room.pk])).content.decode()
    assert "10:00〜24:00" in detail
    week = client.get(reverse("spaces:week", args=[late_room.pk]), {"date": "2020-12-18"})
    assert "10:00〜24:00" in week.content.decode()
    month = client.get(reverse("spaces:month", args=[late_room.pk]), {"month": "2020-12"})
    assert "10:00〜24:00" in month.content.decode()
    for url in (booking.get_absolute_url(), reverse("spaces:mine") + "?when=past"):
        html = client.get(url).content.decode()
        assert "23:00〜24:00" in html and "〜00:00" not in html, url
    client.force_login(coordinator_user)
    rules_page = client.get(reverse("spaces:rules", args=[late_room.pk])).content.decode()
    assert 'value="24:00"' in rules_page


def test_midnight_reads_24_00_in_mail_csv_and_ends_next_day_in_ical(
    client, late_room, staff_user, coordinator_user
):
    booking = _late_booking(late_room, staff_user)
    cal = Calendar.from_ical(
        client.get(
            reverse("spaces:ical_mine", args=[calendar_token_issue(user=staff_user)])
        ).content
    )
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtend") == at(2020, 12, 19, 0)
    client.force_login(coordinator_user)
    response = client.get(
        reverse("spaces:bookings_csv", args=[late_room.pk]),
        {"from": "2020-12-18", "to": "2020-12-18"},
    )
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[1][:3] == ["2020-12-18", "23:00", "24:00"]
    booking_cancel(booking=booking, user=coordinator_user, reason="点検", now=BEFORE_OPENING)
    note = Notification.objects.get(recipient=staff_user)
    assert "2020年12月18日(金) 23:00〜24:00" in note.body


# --- The rules page and the admin --------------------------------------------------------


def _with_closing(space, value: str, field: str = "closes_at") -> dict:
    data = _rules_data(space)
    friday = [k for k, v in data.items() if k.endswith("-weekday") and v == 4][0]
    data[friday.replace("weekday", field)] = value
    return data, int(friday.split("-")[1])


@pytest.mark.parametrize("typed", ["24:00", "00:00"])
def test_the_rules_page_accepts_midnight_as_closing_time(client, coordinator_user, big_i, typed):
    client.force_login(coordinator_user)
    data, _row = _with_closing(big_i, typed)
    response = client.post(reverse("spaces:rules", args=[big_i.pk]), data)
    assert response.status_code == 302, response.content.decode()
    assert big_i.opening_hours.get(weekday=4).closes_at == MIDNIGHT
    page = client.get(reverse("spaces:rules", args=[big_i.pk])).content.decode()
    assert 'value="24:00"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("closes_at", "24:01", "00:00〜24:00"),
        ("closes_at", "25:00", "00:00〜24:00"),
        ("closes_at", "24:30", "00:00〜24:00"),
        ("opens_at", "24:00", "24:00は閉館時刻にだけ使えます"),
        ("opens_at", "25:00", "00:00〜23:59"),
    ],
)
def test_hostile_midnights_are_refused_next_to_the_field(
    client, coordinator_user, big_i, field, value, message
):
    client.force_login(coordinator_user)
    before = sorted(big_i.opening_hours.values_list("weekday", "opens_at", "closes_at"))
    data, row = _with_closing(big_i, value, field)
    response = client.post(reverse("spaces:rules", args=[big_i.pk]), data)
    assert response.status_code == 200
    errors = response.context["hours"].forms[row].errors[field]
    assert any(message in error for error in errors), errors
    assert f'value="{value}"' in response.content.decode()  # the input is kept
    assert sorted(big_i.opening_hours.values_list("weekday", "opens_at", "closes_at")) == before


def test_the_admin_rows_take_24_00_as_closing_time(big_i):
    # The site's rows and the admin's are the same form.
    assert issubclass(OpeningHoursFormSet.form, OpeningHoursInline.form)
    form = OpeningHoursInline.form(
        data={"weekday": 5, "opens_at": "10:00", "closes_at": "24:00", "space": big_i.pk},
        instance=OpeningHours(space=big_i),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["closes_at"] == MIDNIGHT
    refused = OpeningHoursInline.form(
        data={"weekday": 5, "opens_at": "24:00", "closes_at": "24:00"},
        instance=OpeningHours(space=big_i),
    )
    assert not refused.is_valid() and refused.errors["opens_at"]
