"""A new closure (or fewer opening hours, or a shorter period) over live bookings (issue 10
B3): the rules page lists the bookings before saving and the coordinator chooses to cancel
them (each booker told why) or keep them (shown as exceptions); nothing hides them."""

import datetime as dt
import re

import holidays
import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cocreation.accounts.services import calendar_token_issue
from cocreation.notifications.models import Notification
from spaces.errors import BookingError
from spaces.models import Booking, Closure, Space
from spaces.selectors.availability import space_with_rules
from spaces.selectors.availability import week as week_of
from spaces.services import rules as rules_services
from spaces.services.bookings import booking_cancel, booking_create
from spaces.services.rules import space_rules_change
from tests import factories, hostile
from tests.spaces.conftest import BEFORE_OPENING, at, make_space

pytestmark = pytest.mark.django_db

REASON = "設備点検"


def _open_day(start: dt.date) -> dt.date:
    """The first Tuesday–Friday from `start` that is no public holiday nor in 12/29–1/3."""
    day = start
    japanese = holidays.country_holidays("JP", years=[day.year, day.year + 1])
    while (
        day.weekday() not in (1, 2, 3, 4)
        or day in japanese
        or (day.month, day.day) >= (12, 29)
        or (day.month, day.day) <= (1, 3)
    ):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def room(koriyama, region):
    """The Big-i room in the current period, so that the rules page (which uses "now")
    sees its bookings as still to come; whole-room bookings need approval."""
    today = timezone.localdate()
    return make_space(
        koriyama,
        name="ビッグアイ（今期）",
        regions=[region],
        whole_room_needs_approval=True,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=120),
    )


@pytest.fixture
def day(room) -> dt.date:
    return _open_day(timezone.localdate() + dt.timedelta(days=7))


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return at(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def bookings(room, day, koriyama, staff_user):
    """Eight confirmed seats in the morning and one whole-room request in the afternoon."""
    made = []
    for n in range(8):
        user = factories.make_member(
            koriyama, email=f"seat{n}@city.koriyama.lg.jp", family=f"利用者{n}"
        )
        made.append(
            booking_create(
                space=room,
                user=user,
                kind="seat",
                purpose=f"資料作成{n}",
                starts_at=_aware(day, 10),
                ends_at=_aware(day, 12),
            )
        )
    made.append(
        booking_create(
            space=room,
            user=staff_user,
            kind="whole_room",
            purpose="クエスト打合せ",
            starts_at=_aware(day, 13),
            ends_at=_aware(day, 15),
        )
    )
    assert [b.status for b in made] == ["confirmed"] * 8 + ["pending"]
    return made


def _rules_data(space: Space) -> dict:
    """The rules page's form as loaded: the space's fields, hours and closures."""
    hours, closures = list(space.opening_hours.all()), list(space.closures.all())
    data = {
        "description": "",
        "photo_alt": "",
        "capacity": space.capacity,
        "opens_on": space.opens_on.isoformat(),
        "closes_on": space.closes_on.isoformat(),
        "closed_on_public_holidays": "on",
        "slot_minutes": 30,
        "min_booking_minutes": 30,
        "max_booking_minutes": 540,
        "book_ahead_days": 60,
        "cancel_hours_before": 0,
        "whole_room_needs_approval": "on",
        "is_active": "on",
        "hours-TOTAL_FORMS": len(hours),
        "hours-INITIAL_FORMS": len(hours),
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
        "closures-TOTAL_FORMS": len(closures),
        "closures-INITIAL_FORMS": len(closures),
        "closures-MIN_NUM_FORMS": 0,
        "closures-MAX_NUM_FORMS": 1000,
    }
    for i, h in enumerate(hours):
        data.update(
            {
                f"hours-{i}-id": h.pk,
                f"hours-{i}-weekday": h.weekday,
                f"hours-{i}-opens_at": f"{h.opens_at:%H:%M}",
                f"hours-{i}-closes_at": f"{h.closes_at:%H:%M}",
            }
        )
    for i, c in enumerate(closures):
        data.update(
            {
                f"closures-{i}-id": c.pk,
                f"closures-{i}-starts_on": c.starts_on.isoformat(),
                f"closures-{i}-ends_on": c.ends_on.isoformat(),
                f"closures-{i}-reason": c.reason,
            }
        )
        if c.every_year:
            data[f"closures-{i}-every_year"] = "on"
    return data


def _with_closure(space: Space, day: dt.date, **extra) -> dict:
    """The rules page's form as loaded, with a new closed day added on `day`."""
    data = _rules_data(space)
    n = data["closures-TOTAL_FORMS"]
    data.update(
        {
            "closures-TOTAL_FORMS": n + 1,
            f"closures-{n}-starts_on": day.isoformat(),
            f"closures-{n}-ends_on": day.isoformat(),
            f"closures-{n}-reason": REASON,
        }
    )
    data.update(extra)
    return data


def _signature(html: str) -> str:
    match = re.search(r'name="affected-signature" value="([0-9a-f]+)"', html)
    assert match, "the confirmation carries the set it was shown"
    return match.group(1)


def _live(space) -> int:
    return Booking.objects.filter(space=space, status__in=Booking.LIVE_STATUSES).count()


# --- The first POST asks -----------------------------------------------------------------


def test_a_closure_over_bookings_lists_them_and_saves_nothing_yet(
    client, coordinator_user, room, day, bookings
):
    client.force_login(coordinator_user)
    response = client.post(reverse("spaces:rules", args=[room.pk]), _with_closure(room, day))
    assert response.status_code == 200
    html = response.content.decode()
    assert "この変更で9件の予約が休館日・開館時間外になります" in html
    for n in range(8):
        assert f"資料作成{n}" in html and f"利用者{n}" in html
    assert "クエスト打合せ" in html and "承認待ち" in html
    assert "10:00〜12:00" in html and "13:00〜15:00" in html
    # Both choices, as plain radio buttons of the same form: no script needed.
    assert 'name="affected-choice" value="cancel"' in html
    assert 'name="affected-choice" value="keep"' in html
    assert _signature(html)
    # The form comes back as typed.
    assert f'value="{REASON}"' in html
    assert not Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 9


def test_a_change_that_touches_no_booking_is_saved_at_once(
    client, coordinator_user, room, day, bookings
):
    client.force_login(coordinator_user)
    free_day = _open_day(day + dt.timedelta(days=1))
    response = client.post(reverse("spaces:rules", args=[room.pk]), _with_closure(room, free_day))
    assert response.status_code == 302
    assert Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 9


# --- The second POST: cancel -------------------------------------------------------------


def test_cancelling_tells_each_booker_why_and_saves_the_closure(
    client, coordinator_user, room, day, bookings
):
    client.force_login(coordinator_user)
    url = reverse("spaces:rules", args=[room.pk])
    first = client.post(url, _with_closure(room, day)).content.decode()
    response = client.post(
        url,
        _with_closure(
            room,
            day,
            **{
                "affected-signature": _signature(first),
                "affected-choice": "cancel",
                "affected-note": "ご迷惑をおかけします。",
            },
        ),
    )
    assert response.status_code == 302
    assert Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 0
    notes = Notification.objects.filter(kind="space.booking_cancelled_by_coordinator")
    assert sorted(n.recipient.email for n in notes) == sorted(b.user.email for b in bookings)
    for note in notes:
        assert REASON in note.body and "ご迷惑をおかけします。" in note.body
    for booking in Booking.objects.filter(space=room):
        assert REASON in booking.status_reason
        assert booking.status_changed_by == coordinator_user
    page = client.get(reverse("spaces:detail", args=[room.pk]), follow=True)
    assert "9件の予約を取り消し" in " ".join(str(m) for m in page.context["messages"])


def test_the_closure_and_the_cancellations_are_one_transaction(
    room, day, bookings, coordinator_user, monkeypatch
):
    """A cancellation that fails leaves the closure unsaved and every booking live."""
    cancel = booking_cancel
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["booking"].pk)
        if len(calls) == 5:
            raise RuntimeError("mail server on fire")
        return cancel(**kwargs)

    monkeypatch.setattr(rules_services.bookings, "booking_cancel", failing)
    proposal = _proposal(room, day)
    outcome = space_rules_change(
        space=room,
        user=coordinator_user,
        **proposal,
        confirmed="",
        keep=None,
    )
    with pytest.raises(RuntimeError):
        space_rules_change(
            space=room,
            user=coordinator_user,
            **proposal,
            confirmed=outcome.signature,
            keep=False,
        )
    assert not Closure.objects.filter(reason=REASON).exists()
    assert _live(room) == 9


def _proposal(space, day):
    """The space's rules as plain rows, with a closure on `day` added."""
    hours = [
        {"id": h.pk, "weekday": h.weekday, "opens_at": h.opens_at, "closes_at": h.closes_at}
        for h in space.opening_hours.all()
    ]
    closures = [
        {
            "id": c.pk,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "reason": c.reason,
            "every_year": c.every_year,
        }
        for c in space.closures.all()
    ]
    closures.append(
        {"id": None, "starts_on": day, "ends_on": day, "reason": REASON, "every_year": False}
    )
    return {"values": {}, "hours": hours, "closures": closures}


# --- The second POST: keep ---------------------------------------------------------------


def test_kept_bookings_stay_visible_as_exceptions_and_in_the_feeds(
    client, coordinator_user, room, day, bookings
):
    client.force_login(coordinator_user)
    url = reverse("spaces:rules", args=[room.pk])
    first = client.post(url, _with_closure(room, day)).content.decode()
    response = client.post(
        url,
        _with_closure(
            room,
            day,
            **{
                "affected-signature": _signature(first),
                "affected-choice": "keep",
            },
        ),
    )
    assert response.status_code == 302
    assert Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 9
    assert not Notification.objects.filter(kind="space.booking_cancelled_by_coordinator")
    # The week view: the day is closed, and its bookings are there, marked as exceptions.
    week = client.get(reverse("spaces:week", args=[room.pk]), {"date": day.isoformat()})
    html = week.content.decode()
    assert REASON in html
    assert "休館中も残した予約（例外）" in html
    assert html.count('class="exception"') == 9
    assert "クエスト打合せ" in html and "資料作成0" in html
    monday = day - dt.timedelta(days=day.weekday())
    (closed_day,) = [
        d for d in week_of(space_with_rules(room.pk), monday)["days"] if d.info.day == day
    ]
    assert not closed_day.info.is_open and len(closed_day.exceptions) == 9
    # The month view counts them on the closed day.
    month = client.get(reverse("spaces:month", args=[room.pk]), {"month": f"{day:%Y-%m}"})
    assert "例外として残した予約9件" in month.content.decode()
    # A booker's feed and list still have theirs.
    booker = bookings[0].user
    cal = Calendar.from_ical(
        client.get(reverse("spaces:ical_mine", args=[calendar_token_issue(user=booker)])).content
    )
    assert len(cal.walk("VEVENT")) == 1
    # A later, unrelated change does not ask about them again.
    again = client.post(url, {**_rules_data(room), "capacity": 19})
    assert again.status_code == 302
    room.refresh_from_db()
    assert room.capacity == 19 and _live(room) == 9


def test_a_seat_booker_sees_kept_seats_without_names(client, staff_user, room, day, bookings):
    Closure.objects.create(space=room, starts_on=day, ends_on=day, reason=REASON)
    client.force_login(staff_user)
    html = client.get(reverse("spaces:week", args=[room.pk]), {"date": day.isoformat()})
    html = html.content.decode()
    assert html.count('class="exception"') == 9
    assert "利用者0" not in html and "資料作成0" not in html
    assert "クエスト打合せ" in html  # whole-room purposes are shown to everyone who may book


# --- Stale confirmation ------------------------------------------------------------------


def test_a_booking_made_between_the_two_posts_is_asked_about(
    client, coordinator_user, room, day, bookings, koriyama
):
    client.force_login(coordinator_user)
    url = reverse("spaces:rules", args=[room.pk])
    first = client.post(url, _with_closure(room, day)).content.decode()
    late = factories.make_member(koriyama, email="late@city.koriyama.lg.jp", family="駆込")
    booking_create(
        space=room,
        user=late,
        kind="seat",
        purpose="駆け込みの予約",
        starts_at=_aware(day, 16),
        ends_at=_aware(day, 17),
    )
    response = client.post(
        url,
        _with_closure(
            room,
            day,
            **{
                "affected-signature": _signature(first),
                "affected-choice": "cancel",
            },
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "確認の後に予約が変わりました" in html
    assert "駆け込みの予約" in html and "10件" in html
    assert not Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 10
    # Confirmed again, with the set now shown: saved, all ten told.
    response = client.post(
        url,
        _with_closure(
            room,
            day,
            **{
                "affected-signature": _signature(html),
                "affected-choice": "cancel",
            },
        ),
    )
    assert response.status_code == 302
    assert _live(room) == 0
    assert Notification.objects.filter(kind="space.booking_cancelled_by_coordinator").count() == 10


def test_a_confirmation_without_a_choice_asks_for_one_next_to_it(
    client, coordinator_user, room, day, bookings
):
    client.force_login(coordinator_user)
    url = reverse("spaces:rules", args=[room.pk])
    first = client.post(url, _with_closure(room, day)).content.decode()
    response = client.post(
        url, _with_closure(room, day, **{"affected-signature": _signature(first)})
    )
    assert response.status_code == 200
    assert response.context["decision"].errors["choice"]
    assert not Closure.objects.filter(space=room, reason=REASON).exists()


@pytest.mark.parametrize("signature", ["ab\x00cd", "0" * 64, "²"])
def test_a_forged_or_hostile_signature_only_asks_again(
    client, coordinator_user, room, day, bookings, signature
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("spaces:rules", args=[room.pk]),
        _with_closure(
            room,
            day,
            **{
                "affected-signature": signature,
                "affected-choice": "cancel",
            },
        ),
    )
    assert response.status_code == 200
    assert not Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 9


# --- Other rule changes that remove booked time ------------------------------------------


def test_shorter_hours_over_a_booking_ask_too(client, coordinator_user, room, day, bookings):
    client.force_login(coordinator_user)
    data = _with_closure(room, day, **{"closures-TOTAL_FORMS": 1})
    row = [k for k, v in data.items() if k.endswith("-weekday") and v == day.weekday()][0]
    data[row.replace("weekday", "closes_at")] = "12:00"
    html = client.post(reverse("spaces:rules", args=[room.pk]), data).content.decode()
    assert "この変更で1件の予約が休館日・開館時間外になります" in html
    assert "クエスト打合せ" in html and "資料作成0" not in html
    assert room.opening_hours.get(weekday=day.weekday()).closes_at == dt.time(19)


def test_deleting_a_weekday_or_ending_the_period_early_asks_too(
    client, coordinator_user, room, day, bookings
):
    client.force_login(coordinator_user)
    url = reverse("spaces:rules", args=[room.pk])
    data = _with_closure(room, day, **{"closures-TOTAL_FORMS": 1})
    row = [k for k, v in data.items() if k.endswith("-weekday") and v == day.weekday()][0]
    data[row.replace("weekday", "DELETE")] = "on"
    assert "9件の予約" in client.post(url, data).content.decode()
    data = _with_closure(
        room,
        day,
        **{"closures-TOTAL_FORMS": 1, "closes_on": (day - dt.timedelta(days=1)).isoformat()},
    )
    assert "9件の予約" in client.post(url, data).content.decode()
    room.refresh_from_db()
    assert room.closes_on > day and room.opening_hours.filter(weekday=day.weekday()).exists()


def test_past_and_cancelled_bookings_are_not_asked_about(room, day, bookings, coordinator_user):
    booking_cancel(booking=bookings[0], user=coordinator_user, reason="別件")
    outcome = space_rules_change(
        space=room,
        user=coordinator_user,
        **_proposal(room, day),
        confirmed="",
        keep=None,
    )
    assert len(outcome.affected) == 8 and not outcome.saved
    later = _aware(day, 23)
    outcome = space_rules_change(
        space=room,
        user=coordinator_user,
        **_proposal(room, day),
        confirmed="",
        keep=None,
        now=later,
    )
    assert outcome.affected == [] and outcome.saved


def test_only_coordinators_change_rules(room, day, bookings, staff_user):
    with pytest.raises(BookingError):
        space_rules_change(
            space=room,
            user=staff_user,
            **_proposal(room, day),
            confirmed="",
            keep=True,
        )


def test_the_2020_room_closed_over_its_first_quest_meeting(big_i, staff_user, coordinator_user):
    """The seed room: a closure on Fri 2020-12-18 over the quest's first meeting."""
    booking_create(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        purpose="食品ロス削減クエスト 打合せ",
        now=BEFORE_OPENING,
        starts_at=at(2020, 12, 18, 13, 30),
        ends_at=at(2020, 12, 18, 15),
    )
    proposal = _proposal(big_i, dt.date(2020, 12, 18))
    outcome = space_rules_change(
        space=big_i,
        user=coordinator_user,
        **proposal,
        confirmed="",
        keep=None,
        now=BEFORE_OPENING,
    )
    (affected,) = outcome.affected
    assert affected.reason == f"12月18日は{REASON}のため休館です"


# --- The admin ---------------------------------------------------------------------------


def test_the_admin_refuses_to_hide_bookings_silently(client, site_admin, room, day, bookings):
    client.force_login(site_admin)
    url = reverse("admin:spaces_space_change", args=[room.pk])
    forms, _links = hostile.read_page(client.get(url).content.decode(), url)
    (form,) = [f for f in forms if "closures-TOTAL_FORMS" in f.fields]
    data = {
        name: values
        for name, values in hostile.baseline(form).items()
        if not name.startswith("_") or name == "_save"
    }
    data = {k: v for k, v in data.items() if "__prefix__" not in k}
    n = int(data["closures-TOTAL_FORMS"][0])
    data.update(
        {
            "closures-TOTAL_FORMS": [str(n + 1)],
            f"closures-{n}-starts_on": [day.isoformat()],
            f"closures-{n}-ends_on": [day.isoformat()],
            f"closures-{n}-reason": [REASON],
            f"closures-{n}-space": [str(room.pk)],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "この変更で9件の予約が休館日・開館時間外になります" in html
    assert reverse("spaces:rules", args=[room.pk]) in html
    assert not Closure.objects.filter(space=room, reason=REASON).exists()
    assert _live(room) == 9
    # Without the new closure the same page saves.
    data["closures-TOTAL_FORMS"] = [str(n)]
    assert client.post(url, data).status_code == 302
