"""During and after a placement: the weekly log, the reports and their publication, and
the guest's on-site days (booked in the host's room through spaces)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.core.dates import jdate
from cocreation.notifications.services import notify_many
from spaces.models import Booking
from spaces.services.bookings import booking_create

from .. import permissions
from ..errors import ExchangeError
from ..models import Application, LogEntry, Report
from .common import context_of


def _check_participant(user, application: Application) -> None:
    if not permissions.is_participant(user, application):
        raise ExchangeError(
            _("Only the guest and the mentor of an accepted placement write here."),
            code="forbidden",
        )


def log_entry_add(*, application: Application, user, week_of: dt.date, body: str) -> LogEntry:
    """The guest or the mentor writes the note of the ISO week containing `week_of` (a
    day of the placement's period). One entry per author per week: the database's unique
    constraint decides between two sent at once. Raises ExchangeError: "forbidden",
    "outside" (field "week_of"), "twice"."""
    _check_participant(user, application)
    placement = application.placement
    monday = week_of - dt.timedelta(days=week_of.weekday())
    sunday = monday + dt.timedelta(days=6)
    if sunday < placement.starts_on or monday > placement.ends_on:
        raise ExchangeError(
            _("Choose a week of the placement (%(first)s to %(last)s).")
            % {"first": jdate(placement.starts_on), "last": jdate(placement.ends_on)},
            field="week_of",
            code="outside",
        )
    iso_year, iso_week, _weekday = week_of.isocalendar()
    try:
        with transaction.atomic():
            return LogEntry.objects.create(
                application=application,
                author=user,
                iso_year=iso_year,
                iso_week=iso_week,
                body=body,
            )
    except IntegrityError:
        raise ExchangeError(
            _("You have already written the entry of this week."), field="week_of", code="twice"
        ) from None


def report_write(
    *,
    application: Application,
    user,
    learned: str,
    host_takes_home: str,
    guest_takes_home: str,
    today: dt.date | None = None,
) -> Report:
    """The guest or the mentor writes (or rewrites, until it is published) their report:
    what was learned, what the host town and the sending town take home. Written from
    the placement's last week on. Raises ExchangeError: "forbidden", "early",
    "published"."""
    _check_participant(user, application)
    today = today or timezone.localdate()
    last_week = application.placement.ends_on - dt.timedelta(days=6)
    if today < last_week:
        raise ExchangeError(
            _("The report is written from the placement's last week on (%(date)s).")
            % {"date": jdate(last_week)},
            code="early",
        )
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().filter(application=application, author=user).first()
        )
        if report is not None and report.published_at is not None:
            raise ExchangeError(_("A published report is no longer changed."), code="published")
        values = {
            "learned": learned,
            "host_takes_home": host_takes_home,
            "guest_takes_home": guest_takes_home,
        }
        if report is None:
            try:
                with transaction.atomic():
                    return Report.objects.create(application=application, author=user, **values)
            except IntegrityError:
                raise ExchangeError(
                    _("You have already written your report."), code="twice"
                ) from None
        for name, value in values.items():
            setattr(report, name, value)
        report.save(update_fields=[*values, "updated_at"])
        return report


def report_publish(*, report: Report, user) -> Report:
    """Those who manage the host publish a report on the public page of reports; its
    author is told. Publishing twice changes nothing. Raises ExchangeError: "forbidden"."""
    application = report.application
    if not permissions.can_publish_reports(user, application.placement):
        raise ExchangeError(
            _("Only the host's admins and coordinators publish reports."), code="forbidden"
        )
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.published_at is None:
            locked.published_at = timezone.now()
            locked.published_by = user
            locked.save(update_fields=["published_at", "published_by"])
            notify_many(
                [locked.author],
                "exchange.report_published",
                locked,
                context=context_of(application),
                url=application.get_absolute_url(),
            )
    return locked


def on_site_day_book(
    *,
    application: Application,
    user,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Booking:
    """The guest books a seat in the host's room for an on-site day of an accepted
    placement, through `spaces.services.bookings.booking_create` as themselves (every
    rule of the room applies: opening hours, capacity, booking ahead). Raises
    ExchangeError: "forbidden" (not the guest), "online" (no on-site days), "outside"
    (field "date": a day outside the period); or the room's BookingError, whose field
    names the booking form's ("date", "start_time", "end_time")."""
    if not (application.is_accepted and application.applicant_id == user.pk):
        raise ExchangeError(
            _("Only the guest of an accepted placement books its on-site days."),
            code="forbidden",
        )
    placement = application.placement
    if not placement.has_on_site_days or placement.room_id is None:
        raise ExchangeError(_("This placement is wholly online."), code="online")
    day = timezone.localtime(starts_at).date()
    if not placement.starts_on <= day <= placement.ends_on:
        raise ExchangeError(
            _("Choose a day of the placement (%(first)s to %(last)s).")
            % {"first": jdate(placement.starts_on), "last": jdate(placement.ends_on)},
            field="date",
            code="outside",
        )
    return booking_create(
        space=placement.room,
        user=user,
        kind=Booking.Kind.SEAT,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=(_("Staff exchange: %(placement)s") % {"placement": placement.title})[:200],
        now=now,
    )
