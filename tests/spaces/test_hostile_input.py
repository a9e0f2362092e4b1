"""Hostile and careless input on the space pages (issue 9): out-of-window dates, garbage in
query strings, numbers that are not numbers, control characters, tampered formsets,
foreign `next` addresses, files that are not what they say, malformed feed tokens.
Each answers with a message (or a 404), never a 500, and stores nothing unusable."""

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from spaces.errors import BookingError
from spaces.models import Booking, Closure, Space
from spaces.services.approval import booking_version
from spaces.services.bookings import booking_create
from spaces.services.series import series_preview
from tests.spaces.conftest import BEFORE_OPENING, at, make_space

pytestmark = pytest.mark.django_db

WINDOW = "2000年1月1日から2100年12月31日までの日付を入力してください"
CONTROL = "目に見えない制御文字"


@pytest.fixture
def current_room(koriyama, region):
    today = timezone.localdate()
    return make_space(
        koriyama,
        name="ビッグアイ（今期）",
        regions=[region],
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=90),
    )


def _next_friday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Query strings ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2020-02-30", "abc", "²", "\x00"])
def test_a_week_out_of_the_window_or_garbage_shows_this_week_and_says_so(
    client, staff_user, big_i, value
):
    client.force_login(staff_user)
    response = client.get(reverse("spaces:week", args=[big_i.pk]), {"date": value})
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["monday"] == today - dt.timedelta(days=today.weekday())
    assert any("今週を表示しています" in m for m in _messages(response))


def test_the_first_and_last_weeks_of_the_window_show_without_links_out_of_it(
    client, staff_user, big_i
):
    client.force_login(staff_user)
    url = reverse("spaces:week", args=[big_i.pk])
    first = client.get(url, {"date": "2000-01-01"})
    assert first.status_code == 200 and first.context["previous"] is None
    last = client.get(url, {"date": "2100-12-31"})
    assert last.status_code == 200 and last.context["next"] is None
    assert not _messages(first) and not _messages(last)


@pytest.mark.parametrize("value", ["0001-01", "9999-12", "2020-13", "abc", "1999-12"])
def test_a_month_out_of_the_window_or_garbage_shows_this_month_and_says_so(
    client, staff_user, big_i, value
):
    client.force_login(staff_user)
    response = client.get(reverse("spaces:month", args=[big_i.pk]), {"month": value})
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)
    assert any("今月を表示しています" in m for m in _messages(response))


def test_the_first_and_last_months_of_the_window_show(client, staff_user, big_i):
    client.force_login(staff_user)
    url = reverse("spaces:month", args=[big_i.pk])
    assert client.get(url, {"month": "2000-01"}).context["previous"] is None
    assert client.get(url, {"month": "2100-12"}).context["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        {"from": "0001-01-01", "to": "2020-12-31"},
        {"from": "2020-12-01", "to": "9999-12-31"},
        {"from": "2020-02-30"},
        {"to": "abc"},
    ],
)
def test_a_report_period_out_of_the_window_falls_back_and_says_so(
    client, coordinator_user, big_i, query
):
    client.force_login(coordinator_user)
    response = client.get(reverse("spaces:occupancy", args=[big_i.pk]), query)
    assert response.status_code == 200
    assert any("期間の日付を読み取れませんでした" in m for m in _messages(response))
    csv_response = client.get(reverse("spaces:bookings_csv", args=[big_i.pk]), query)
    assert csv_response.status_code == 302
    assert csv_response["Location"].startswith(reverse("spaces:occupancy", args=[big_i.pk]))


def test_a_century_long_report_is_shortened_by_arithmetic_and_says_so(
    client, coordinator_user, big_i
):
    client.force_login(coordinator_user)
    with mock.patch("spaces.rules.day_info", wraps=__import__("spaces").rules.day_info) as days:
        response = client.get(
            reverse("spaces:occupancy", args=[big_i.pk]), {"from": "2000-01-01", "to": "2100-12-31"}
        )
    assert response.status_code == 200
    assert response.context["last"] - response.context["first"] <= dt.timedelta(days=731)
    assert days.call_count <= 732
    assert any("最長" in m for m in _messages(response))


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01T10:00", "end": "0001-01-01T11:00"},
        {"start": "9999-12-31T23:00", "end": "9999-12-31T23:30"},
        {"start": "2020-02-30T10:00"},
        {"start": "2020-12-18T13:30", "end": "abc"},
        {"kind": "everything"},
    ],
)
def test_booking_form_prefill_garbage_is_not_used_and_is_said(
    client, staff_user, current_room, query
):
    client.force_login(staff_user)
    response = client.get(reverse("spaces:book", args=[current_room.pk]), query)
    assert response.status_code == 200
    form = response.context["form"]
    assert "date" not in form.initial and form.initial.get("kind") != "everything"
    assert any("読み取れませんでした" in m for m in _messages(response))


@pytest.mark.parametrize("page", ["²", "abc", "9" * 30, "-1"])
def test_my_bookings_page_number_garbage_is_a_page_not_a_500(client, staff_user, page):
    client.force_login(staff_user)
    assert client.get(reverse("spaces:mine"), {"page": page}).status_code == 200


# --- Dates in forms, and in the database --------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_booking_date_out_of_the_window_is_refused_next_to_the_field(
    client, staff_user, current_room, day
):
    client.force_login(staff_user)
    response = client.post(
        reverse("spaces:book", args=[current_room.pk]),
        {
            "kind": "seat",
            "date": day,
            "start_time": "13:00",
            "end_time": "14:00",
            "purpose": "資料作成",
        },
    )
    assert response.status_code == 200
    assert WINDOW in str(response.context["form"].errors["date"])
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quest", "abc"),
        ("quest", "9" * 30),
        ("quest", "²"),
        ("kind", "everything"),
        ("start_time", "25:00"),
        ("date", "²"),
        ("date", "2020-02-30"),
        ("purpose", "x" * 10_000),
    ],
)
def test_hostile_values_in_the_booking_form_are_refused_next_to_the_field(
    client, staff_user, current_room, field, value
):
    client.force_login(staff_user)
    data = {
        "kind": "seat",
        "date": _next_friday().isoformat(),
        "start_time": "13:00",
        "end_time": "14:00",
        "purpose": "資料作成",
        field: value,
    }
    response = client.post(reverse("spaces:book", args=[current_room.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("last", ["9999-12-31", "2100-12-31"])
def test_a_series_to_the_end_of_time_is_refused_before_any_date_is_checked(
    client, staff_user, current_room, last
):
    client.force_login(staff_user)
    data = {
        "kind": "whole_room",
        "first_date": _next_friday().isoformat(),
        "last_date": last,
        "start_time": "13:30",
        "end_time": "15:00",
        "purpose": "定例打合せ",
    }
    url = reverse("spaces:series", args=[current_room.pk])
    with mock.patch(
        "spaces.services.bookings.refusals_for", side_effect=AssertionError("iterated")
    ):
        for extra in ({}, {"confirm": "1"}):
            response = client.post(url, {**data, **extra})
            assert response.status_code == 200
            assert response.context["form"].errors["last_date"]
    assert not Booking.objects.exists()


def test_series_services_refuse_a_long_range_by_arithmetic(big_i, staff_user):
    with mock.patch(
        "spaces.services.bookings.refusals_for", side_effect=AssertionError("iterated")
    ):
        with pytest.raises(BookingError) as refused:
            series_preview(
                space=big_i,
                user=staff_user,
                kind="seat",
                first_date=dt.date(2026, 12, 15),
                last_date=dt.date(9999, 12, 31),
                start_time=dt.time(10),
                end_time=dt.time(11),
            )
    assert refused.value.refusals[0].code == "too_many"


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (
            Booking,
            {
                "starts_at": dt.datetime(1, 1, 1, 10, tzinfo=dt.UTC),
                "ends_at": dt.datetime(1, 1, 1, 11, tzinfo=dt.UTC),
            },
        ),
        (Booking, {"starts_at": at(2101, 1, 1, 10), "ends_at": at(2101, 1, 1, 11)}),
        (Closure, {"starts_on": dt.date(1999, 12, 31), "ends_on": dt.date(2000, 1, 1)}),
        (Closure, {"starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(9999, 12, 31)}),
        (Space, {"opens_on": dt.date(1, 1, 1)}),
        (Space, {"closes_on": dt.date(9999, 12, 31)}),
    ],
)
def test_the_database_refuses_dates_out_of_the_window(big_i, staff_user, model, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        if model is Booking:
            Booking.objects.create(space=big_i, user=staff_user, kind="seat", purpose="x", **fields)
        elif model is Closure:
            Closure.objects.create(space=big_i, reason="点検", **fields)
        else:
            Space.objects.filter(pk=big_i.pk).update(**fields)


# --- The coordinators' rules page -------------------------------------------------------


def _rules_data(space) -> dict:
    hours = list(space.opening_hours.all())
    closure = space.closures.get()
    data = {
        "description": "",
        "photo_alt": "",
        "capacity": 20,
        "opens_on": "2020-12-08",
        "closes_on": "2021-01-29",
        "closed_on_public_holidays": "on",
        "slot_minutes": 30,
        "min_booking_minutes": 30,
        "max_booking_minutes": 540,
        "book_ahead_days": 60,
        "cancel_hours_before": 0,
        "is_active": "on",
        "hours-TOTAL_FORMS": len(hours),
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
    return data


def _rows(space):
    return (
        sorted(space.opening_hours.values_list("id", "weekday", "opens_at", "closes_at")),
        sorted(space.closures.values_list("id", "starts_on", "ends_on", "reason")),
    )


@pytest.mark.parametrize(
    "tampering",
    [
        {"hours-INITIAL_FORMS": 0},
        {"closures-INITIAL_FORMS": 0},
        {"hours-INITIAL_FORMS": 9},
        {"hours-INITIAL_FORMS": "²"},
        {"hours-TOTAL_FORMS": "9" * 30},
        {"hours-TOTAL_FORMS": "abc"},
        {"hours-0-id": "abc"},
        {"hours-0-id": "9" * 30},
        {"closures-0-id": 0},
    ],
)
def test_tampered_formsets_on_the_rules_page_are_refused_with_a_message(
    client, coordinator_user, big_i, tampering
):
    client.force_login(coordinator_user)
    before = _rows(big_i)
    response = client.post(
        reverse("spaces:rules", args=[big_i.pk]), {**_rules_data(big_i), **tampering}
    )
    assert response.status_code == 200
    assert (
        response.context["hours"].non_form_errors()
        or response.context["closures"].non_form_errors()
        or any(f.errors for f in response.context["hours"])
        or any(f.errors for f in response.context["closures"])
    )
    assert _rows(big_i) == before


def test_another_spaces_opening_hours_cannot_be_edited_through_this_one(
    client, coordinator_user, big_i, koriyama, region
):
    other = make_space(koriyama, name="別の部屋", regions=[region])
    client.force_login(coordinator_user)
    data = _rules_data(big_i)
    data["hours-0-id"] = other.opening_hours.first().pk
    data["hours-0-opens_at"] = "06:00"
    before = _rows(other)
    response = client.post(reverse("spaces:rules", args=[big_i.pk]), data)
    assert response.status_code == 200
    assert _rows(other) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", "1" * 30),
        ("capacity", "²"),
        ("capacity", "-5"),
        ("min_booking_minutes", "9" * 30),
        ("book_ahead_days", "²"),
        ("book_ahead_days", "100000"),
        ("cancel_hours_before", "-1"),
        ("slot_minutes", "0"),
        ("opens_on", "0001-01-01"),
        ("closes_on", "9999-12-31"),
        ("photo_alt", "部屋\u202eの写真"),
        ("description", "説明\x00"),
        ("closures-0-starts_on", "0001-01-01"),
        ("closures-0-ends_on", "9999-12-31"),
        ("closures-0-reason", "年末\x00年始"),
        ("closures-0-reason", "年末\u202e年始"),
        ("hours-0-weekday", "²"),
        ("hours-0-opens_at", "25:00"),
    ],
)
def test_hostile_values_on_the_rules_page_are_refused_next_to_the_field(
    client, coordinator_user, big_i, field, value
):
    client.force_login(coordinator_user)
    before = _rows(big_i)
    capacity = big_i.capacity
    response = client.post(
        reverse("spaces:rules", args=[big_i.pk]), {**_rules_data(big_i), field: value}
    )
    assert response.status_code == 200
    prefix, _, name = field.rpartition("-")
    if prefix:
        formset = response.context["hours" if prefix.startswith("hours") else "closures"]
        assert formset.forms[int(prefix.split("-")[1])].errors[name]
    else:
        assert response.context["form"].errors[field]
    big_i.refresh_from_db()
    assert big_i.capacity == capacity and _rows(big_i) == before


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("部屋.png", "JPEG"),  # the name says PNG, the bytes are JPEG
        ("部屋.gif", "GIF"),  # a picture, but not a kind the portal accepts
        ("部屋.png.hta", "PNG"),
    ],
)
def test_a_space_photo_must_be_what_its_name_says(
    client, coordinator_user, big_i, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(coordinator_user)
    data = {**_rules_data(big_i), "photo": SimpleUploadedFile(name, _image(content))}
    response = client.post(reverse("spaces:rules", args=[big_i.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    big_i.refresh_from_db()
    assert not big_i.photo


def test_a_real_png_photo_is_accepted(client, coordinator_user, big_i, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(coordinator_user)
    data = {**_rules_data(big_i), "photo": SimpleUploadedFile("部屋.png", _image("PNG"))}
    assert client.post(reverse("spaces:rules", args=[big_i.pk]), data).status_code == 302
    big_i.refresh_from_db()
    assert big_i.photo.name.endswith(".png")


# --- Text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["打合せ\x00", "打合せ\x1b[31m", "打合せ\u202etxt.exe"])
def test_control_characters_in_a_booking_purpose_are_refused(
    client, staff_user, current_room, purpose
):
    client.force_login(staff_user)
    response = client.post(
        reverse("spaces:book", args=[current_room.pk]),
        {
            "kind": "seat",
            "date": _next_friday().isoformat(),
            "start_time": "13:00",
            "end_time": "14:00",
            "purpose": purpose,
        },
    )
    assert response.status_code == 200
    assert CONTROL in str(response.context["form"].errors["purpose"])
    assert not Booking.objects.exists()


@pytest.fixture
def pending_booking(big_i, staff_user):
    Space.objects.filter(pk=big_i.pk).update(whole_room_needs_approval=True)
    big_i.refresh_from_db()
    return booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose="クエスト打合せ",
        now=BEFORE_OPENING,
    )


@pytest.mark.parametrize("reason", ["部屋の都合\x00", "都合\u202e", "x" * 1001])
def test_a_decline_reason_with_control_characters_is_refused_and_kept(
    client, coordinator_user, pending_booking, reason
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:booking_decide", args=[pending_booking.pk]),
        {"decision": "decline", "reason": reason},
    )
    assert response.status_code == 200
    assert response.context["decide_form"].errors["reason"]
    pending_booking.refresh_from_db()
    assert pending_booking.status == Booking.Status.PENDING


def test_a_decision_that_is_neither_approve_nor_decline_changes_nothing(
    client, coordinator_user, pending_booking
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:booking_decide", args=[pending_booking.pk]),
        {"decision": "maybe", "reason": "理由"},
    )
    assert response.status_code == 200
    pending_booking.refresh_from_db()
    assert pending_booking.status == Booking.Status.PENDING


@pytest.mark.parametrize("reason", ["都合\x00", "都合\u202e"])
def test_a_cancellation_reason_with_control_characters_is_refused(
    client, coordinator_user, pending_booking, reason
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:booking_cancel", args=[pending_booking.pk]), {"reason": reason}
    )
    assert response.status_code == 200
    assert CONTROL in str(response.context["form"].errors["reason"])
    pending_booking.refresh_from_db()
    assert pending_booking.is_live


def test_a_formula_in_a_booking_purpose_comes_out_of_the_csv_as_text(
    client, big_i, staff_user, coordinator_user
):
    formula = '=HYPERLINK("https://evil.example/phish","詳細")'
    booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
        purpose=formula,
        now=BEFORE_OPENING,
    )
    client.force_login(coordinator_user)
    response = client.get(
        reverse("spaces:bookings_csv", args=[big_i.pk]), {"from": "2020-12-08", "to": "2021-01-29"}
    )
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8").lstrip("\ufeff"))))
    assert rows[1][7] == "'" + formula
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# --- Redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "https://evil.example/phish",
        "//evil.example/phish",
        "\x00/spaces/",
        "https:///evil.example",
    ],
)
def test_a_decision_never_redirects_out_of_the_site(
    client, coordinator_user, pending_booking, target
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:booking_decide", args=[pending_booking.pk]),
        {"decision": "approve", "next": target, "version": booking_version(pending_booking)},
    )
    assert response.status_code == 302
    assert response["Location"] == pending_booking.get_absolute_url()
    pending_booking.refresh_from_db()
    assert pending_booking.status == Booking.Status.CONFIRMED


def test_a_decision_goes_back_to_the_pending_list(client, coordinator_user, pending_booking):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:booking_decide", args=[pending_booking.pk]),
        {
            "decision": "approve",
            "next": reverse("spaces:pending"),
            "version": booking_version(pending_booking),
        },
    )
    assert response["Location"] == reverse("spaces:pending")


# --- Calendar feeds -------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["%00" * 43, "abc%00def" + "x" * 40, "x" * 5000, "x" * 10])
def test_a_malformed_feed_token_is_a_404(client, big_i, token):
    mine = reverse("spaces:ical_mine", args=["TOKEN"]).replace("TOKEN", token)
    space = reverse("spaces:ical_space", args=["TOKEN", big_i.pk]).replace("TOKEN", token)
    assert client.get(mine).status_code == 404
    assert client.get(space).status_code == 404
