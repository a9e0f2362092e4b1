"""iCalendar feeds parsed back by a real iCalendar library, reports, month view, reminders."""

import csv
import datetime as dt
import io
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cocreation.accounts.services import calendar_token_issue
from cocreation.notifications import tasks as notification_tasks
from cocreation.notifications.models import Notification
from cocreation.notifications.reminders import run_reminders
from config.celery import app
from spaces.models import Booking, Space
from spaces.services.series import series_confirm
from tests import factories
from tests.spaces.conftest import BEFORE_OPENING, at, make_space

BOOKING_REMINDERS = "spaces.booking_reminders"


def _remind_on(day: dt.date) -> int:
    """The booking reminders the one runner sends at 09:00 on `day`."""
    now = at(day.year, day.month, day.day, 9)
    return run_reminders(now=now, only=[BOOKING_REMINDERS])[BOOKING_REMINDERS]


@pytest.fixture
def meetings(big_i, staff_user):
    series_confirm(
        space=big_i,
        user=staff_user,
        kind="whole_room",
        first_date=dt.date(2020, 12, 18),
        last_date=dt.date(2021, 1, 29),
        start_time=dt.time(13, 30),
        end_time=dt.time(15),
        purpose="食品ロス削減クエスト 打合せ",
        now=BEFORE_OPENING,
    )
    return big_i


@pytest.mark.django_db
@pytest.mark.usefixtures("feeds_in_december_2020")
def test_my_feed_is_valid_icalendar(client, meetings, staff_user):
    url = reverse("spaces:ical_mine", args=[calendar_token_issue(user=staff_user)])
    response = client.get(url)  # no login: calendar apps carry the secret address only
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 6
    first = events[0]
    assert first.decoded("dtstart") == at(2020, 12, 18, 13, 30)
    assert first.decoded("dtend") == at(2020, 12, 18, 15)
    assert "食品ロス削減クエスト" in str(first.get("summary"))
    assert "ビッグアイ" in str(first.get("location"))
    assert len({str(e.get("uid")) for e in events}) == 6


@pytest.mark.django_db
@pytest.mark.usefixtures("feeds_in_december_2020")
def test_space_feed_needs_a_token_of_someone_allowed(client, meetings, staff_user, company_user):
    good = reverse("spaces:ical_space", args=[calendar_token_issue(user=staff_user), meetings.pk])
    assert len(Calendar.from_ical(client.get(good).content).walk("VEVENT")) == 6
    bad = reverse("spaces:ical_space", args=[calendar_token_issue(user=company_user), meetings.pk])
    assert client.get(bad).status_code == 404
    assert client.get(reverse("spaces:ical_mine", args=["x" * 43])).status_code == 404


@pytest.mark.django_db
def test_feeds_reach_three_months_back_and_two_years_ahead(
    client, monkeypatch, meetings, staff_user
):
    """A room's feed does not grow with its history: only the bookings around "now"
    (cocreation.core.ical.feed_window) are listed, with the same queries for 6 as for 0."""
    from cocreation.core import ical

    token = calendar_token_issue(user=staff_user)
    urls = [
        reverse("spaces:ical_mine", args=[token]),
        reverse("spaces:ical_space", args=[token, meetings.pk]),
    ]

    def events(moment: dt.datetime) -> list[int]:
        monkeypatch.setattr(ical, "feed_now", lambda: moment)
        return [len(Calendar.from_ical(client.get(url).content).walk("VEVENT")) for url in urls]

    # The six meetings run from 18 December 2020 to 29 January 2021.
    assert events(at(2020, 12, 18, 12)) == [6, 6]
    assert events(at(2021, 1, 20, 12)) == [6, 6]  # the first ended a month ago
    assert events(at(2021, 4, 20, 12)) == [2, 2]  # 22 and 29 January: under 92 days old
    assert events(at(2021, 6, 1, 12)) == [0, 0]
    assert events(at(2019, 1, 30, 12)) == [6, 6]  # the last is 730 days ahead
    assert events(at(2019, 1, 17, 12)) == [4, 4]  # 22 and 29 January: too far ahead
    assert events(at(2018, 12, 1, 12)) == [0, 0]
    costs = []
    for moment in (at(2020, 12, 18, 12), at(2018, 12, 1, 12)):
        monkeypatch.setattr(ical, "feed_now", lambda moment=moment: moment)
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[1])
        costs.append(len(queries))
    assert costs[0] == costs[1]


@pytest.mark.django_db
def test_resetting_the_address_stops_the_old_one(client, staff_user):
    old = calendar_token_issue(user=staff_user)
    client.force_login(staff_user)
    client.post(reverse("spaces:calendar_reset"))
    assert client.get(reverse("spaces:ical_mine", args=[old])).status_code == 404


@pytest.mark.django_db
def test_month_view_shows_closures_with_reasons(client, meetings, staff_user):
    client.force_login(staff_user)
    html = client.get(
        reverse("spaces:month", args=[meetings.pk]), {"month": "2020-12"}
    ).content.decode()
    assert "月曜日は休館日です" in html
    assert "12月29日〜1月3日は年末年始のため休館です" in html
    assert "貸切1件" in html


@pytest.mark.django_db
def test_occupancy_chart_and_csv(client, meetings, coordinator_user):
    client.force_login(coordinator_user)
    query = {"from": "2020-12-08", "to": "2021-01-29"}
    html = client.get(reverse("spaces:occupancy", args=[meetings.pk]), query).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "金 13:00 " in html  # a Friday-afternoon cell has a figure
    response = client.get(reverse("spaces:bookings_csv", args=[meetings.pk]), query)
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][0] == "日付"
    assert len(rows) == 7 and rows[1][:3] == ["2020-12-18", "13:30", "15:00"]


@pytest.mark.django_db
def test_reminder_the_day_before_once(meetings, staff_user):
    assert _remind_on(dt.date(2020, 12, 17)) == 1
    assert _remind_on(dt.date(2020, 12, 17)) == 0
    note = Notification.objects.get(kind="space.booking_reminder")
    assert note.recipient == staff_user
    assert "2020年12月18日(金) 13:30〜15:00" in note.body
    assert _remind_on(dt.date(2020, 12, 18)) == 0  # no booking on the 19th


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reminders_through_a_real_worker_exactly_once(monkeypatch):
    queue = f"test-spaces-{uuid.uuid4().hex[:8]}"
    email_task = notification_tasks.send_notification_emails
    monkeypatch.setattr(email_task, "delay", lambda *a: email_task.apply_async(a, queue=queue))
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    person = factories.make_member(koriyama, email="booker@city.koriyama.lg.jp")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    space = make_space(
        koriyama,
        regions=[region],
        opens_on=tomorrow - dt.timedelta(days=30),
        closes_on=tomorrow + dt.timedelta(days=30),
    )
    Space.objects.filter(pk=space.pk).update(closed_on_public_holidays=False)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10)))
    Booking.objects.create(
        space=space,
        user=person,
        kind="seat",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        purpose="資料作成",
    )
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
        for _ in range(3):
            notification_tasks.send_reminders.apply_async(queue=queue)
        import time

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not mail.outbox:
            time.sleep(0.1)
        time.sleep(1)
    assert [m.to for m in mail.outbox] == [["booker@city.koriyama.lg.jp"]]
    assert "資料作成" in mail.outbox[0].body


@pytest.mark.django_db
def test_demo_big_i_room_as_in_the_press_release(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    room = Space.objects.get(name="郡山市民プラザ 多目的ルーム")
    assert (room.building, room.floor, room.capacity) == ("ビッグアイ", "6階", 20)
    assert (room.opens_on, room.closes_on) == (dt.date(2020, 12, 8), dt.date(2021, 1, 29))
    assert sorted(room.opening_hours.values_list("weekday", flat=True)) == [1, 2, 3, 4]
    meetings = Booking.objects.filter(space=room, kind="whole_room").order_by("starts_at")
    assert timezone.localtime(meetings[0].starts_at) == at(2020, 12, 18, 13, 30)
    assert dt.date(2021, 1, 1) not in {timezone.localtime(b.starts_at).date() for b in meetings}
    assert meetings[0].quest.title == "食品ロス削減に向けての新事業の検討及び試行"
    assert Booking.objects.filter(space=room, kind="seat").count() >= 3
    current = Space.objects.get(name="郡山市民プラザ 多目的ルーム（今期）")
    assert current.opens_on <= timezone.localdate() <= current.closes_on
    other = Space.objects.get(name="横瀬町 まちなか共創ルーム")
    assert other.whole_room_needs_approval and other.slot_minutes == 60
    call_command("load_demo", verbosity=0)
    assert Space.objects.count() == 3


@pytest.mark.django_db
def test_a_booking_moved_after_its_reminder_is_reminded_of_the_new_day(meetings, staff_user):
    """Issue 10 B4: the reminder key names the time it reminds of."""
    assert _remind_on(dt.date(2020, 12, 17)) == 1
    booking = Booking.objects.get(starts_at=at(2020, 12, 18, 13, 30))
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=at(2020, 12, 23, 13, 30), ends_at=at(2020, 12, 23, 15)
    )
    assert _remind_on(dt.date(2020, 12, 22)) == 1
    assert _remind_on(dt.date(2020, 12, 22)) == 0
