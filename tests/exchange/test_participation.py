"""During and after a placement: the weekly log (one entry per author per ISO week, held by
a database constraint), the reports and their publication, and on-site days booked in the
host's room through spaces."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cocreation.core.errors import PortalError
from cocreation.notifications.models import Notification
from spaces.models import Booking
from studygroups.exchange.errors import ExchangeError
from studygroups.exchange.models import LogEntry, Placement, Report
from studygroups.exchange.services import participation as services

from .conftest import FIRST, LAST, NOW

pytestmark = pytest.mark.django_db


def test_one_log_entry_per_author_per_week(accepted, guest, mentor):
    services.log_entry_add(application=accepted, user=guest, week_of=FIRST, body="初回の定例会")
    # The mentor writes the same week; the guest, the next one.
    services.log_entry_add(application=accepted, user=mentor, week_of=FIRST, body="提案を一件")
    services.log_entry_add(
        application=accepted, user=guest, week_of=FIRST + dt.timedelta(days=7), body="審査会"
    )
    with pytest.raises(ExchangeError) as refused:
        # Friday of the first week: the same ISO week.
        services.log_entry_add(
            application=accepted, user=guest, week_of=FIRST + dt.timedelta(days=4), body="再"
        )
    assert (refused.value.code, refused.value.field) == ("twice", "week_of")
    assert LogEntry.objects.count() == 3


def test_the_database_holds_one_entry_per_week(accepted, guest):
    LogEntry.objects.create(
        application=accepted, author=guest, iso_year=2025, iso_week=15, body="a"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.create(
            application=accepted, author=guest, iso_year=2025, iso_week=15, body="b"
        )


def test_the_log_refuses_outsiders_and_weeks_outside_the_placement(
    accepted, application, guest, yokoze_admin, bandai_admin
):
    for user in (yokoze_admin, bandai_admin):
        with pytest.raises(ExchangeError) as refused:
            services.log_entry_add(application=accepted, user=user, week_of=FIRST, body="x")
        assert refused.value.code == "forbidden"
    with pytest.raises(ExchangeError) as refused:
        services.log_entry_add(
            application=accepted, user=guest, week_of=LAST + dt.timedelta(days=7), body="x"
        )
    assert refused.value.field == "week_of"


def test_the_log_waits_for_the_host_to_accept(application, guest):
    with pytest.raises(ExchangeError) as refused:
        services.log_entry_add(application=application, user=guest, week_of=FIRST, body="x")
    assert refused.value.code == "forbidden"


def test_the_log_page_keeps_the_input_and_says_why(client, accepted, guest):
    client.force_login(guest)
    url = reverse("exchange:log_add", args=[accepted.pk])
    client.post(url, {"week_of": "2025-04-08", "body": "一回目"})
    response = client.post(url, {"week_of": "2025-04-09", "body": "二回目の文"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "二回目の文" in page and 'id="id_week_of_error"' in page
    assert LogEntry.objects.count() == 1


def _write(application, user, today=LAST):
    return services.report_write(
        application=application,
        user=user,
        learned="受付から審査会までの流れ",
        host_takes_home="DX の視点",
        guest_takes_home="窓口の一本化",
        today=today,
    )


def test_reports_are_written_at_the_end_and_published_by_the_host(
    accepted, guest, mentor, yokoze_admin
):
    with pytest.raises(ExchangeError) as refused:
        _write(accepted, guest, today=FIRST)
    assert refused.value.code == "early"
    report = _write(accepted, guest)
    _write(accepted, mentor)
    for outsider in (mentor, guest):
        with pytest.raises(ExchangeError):
            services.report_publish(report=report, user=outsider)
    services.report_publish(report=report, user=yokoze_admin)
    report.refresh_from_db()
    assert report.published_at is not None
    assert Notification.objects.filter(recipient=guest, kind="exchange.report_published").exists()
    with pytest.raises(ExchangeError) as refused:
        _write(accepted, guest)
    assert refused.value.code == "published"


def test_the_public_page_shows_published_reports_without_private_data(
    client, accepted, guest, mentor, yokoze_admin
):
    published = _write(accepted, guest)
    private = services.report_write(
        application=accepted,
        user=mentor,
        learned="まだ公開しない所感",
        host_takes_home="-",
        guest_takes_home="-",
        today=LAST,
    )
    services.report_publish(report=published, user=yokoze_admin)
    services.log_entry_add(application=accepted, user=guest, week_of=FIRST, body="週次の内部メモ")
    response = client.get(reverse("exchange:reports"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "受付から審査会までの流れ" in page and "磐梯町" in page
    for secret in (
        private.learned,
        accepted.motivation,
        "週次の内部メモ",
        guest.email,
        guest.display_name,
        mentor.display_name,
    ):
        assert secret not in page


def test_the_guest_books_an_on_site_day_in_the_host_room(client, accepted, guest, room):
    client.force_login(guest)
    url = reverse("exchange:on_site_day", args=[accepted.pk])
    assert client.get(url).status_code == 200
    booking = services.on_site_day_book(
        application=accepted,
        user=guest,
        starts_at=NOW.replace(day=8, hour=10),
        ends_at=NOW.replace(day=8, hour=12),
        now=NOW,
    )
    assert (booking.space, booking.user, booking.status) == (room, guest, Booking.Status.CONFIRMED)
    page = client.get(reverse("exchange:application", args=[accepted.pk])).content.decode()
    assert "2025年4月8日(火) 10:00" in page


def test_on_site_days_refused_outside_the_period_and_to_others(accepted, guest, mentor):
    before = NOW.replace(day=4, hour=10)
    with pytest.raises(ExchangeError) as refused:
        services.on_site_day_book(
            application=accepted,
            user=guest,
            starts_at=before,
            ends_at=before.replace(hour=11),
            now=NOW.replace(day=1),
        )
    assert refused.value.field == "date"
    with pytest.raises(ExchangeError) as refused:
        services.on_site_day_book(
            application=accepted,
            user=mentor,
            starts_at=NOW.replace(day=8, hour=10),
            ends_at=NOW.replace(day=8, hour=11),
            now=NOW,
        )
    assert refused.value.code == "forbidden"


def test_a_room_rule_reaches_the_form(accepted, guest):
    # Saturday: the room is closed; the spaces service's refusal names the form's field.
    saturday = NOW.replace(day=12, hour=10)
    with pytest.raises(PortalError) as refused:
        services.on_site_day_book(
            application=accepted,
            user=guest,
            starts_at=saturday,
            ends_at=saturday.replace(hour=11),
            now=NOW,
        )
    assert refused.value.field in {"date", "start_time", None}


def test_an_online_placement_has_no_on_site_days(client, accepted, guest):
    Placement.objects.filter(pk=accepted.placement_id).update(mode="online", room=None)
    client.force_login(guest)
    assert client.get(reverse("exchange:on_site_day", args=[accepted.pk])).status_code == 403
    assert Report.objects.count() == 0
