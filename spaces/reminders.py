"""What spaces remind of, selected when due by the one reminder runner
(`cocreation.notifications.reminders`, beat every 15 minutes): the day-before reminder of
each booking, and the coordinators' reminder of requests still pending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models.functions import Coalesce
from django.utils import timezone

from cocreation.core.dates import Rendered, jdatetime
from cocreation.notifications.reminders import Due, reminder_source

from .models import Booking
from .notifications import more_dates, request_context, when
from .selectors.approval import space_coordinators

# A request is pending "since" it was made, or since the change that asked again.
REQUEST_REMINDER_AFTER = dt.timedelta(days=1)


@reminder_source("spaces.booking_reminders")
def booking_reminders(now: dt.datetime) -> Iterator[Due]:
    """The day before: each confirmed booking starting tomorrow (local date of `now`) is
    reminded to its booker. The key names the start it reminds of, so a booking moved
    after its reminder is reminded again of its new time (issue 10 B4)."""
    tz = timezone.get_current_timezone()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=tz)
    bookings = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).select_related("space", "user")
    for booking in bookings:
        yield Due(
            booking.user,
            "space.booking_reminder",
            booking,
            key=f"space.booking_reminder|{booking.pk}|"
            f"{timezone.localtime(booking.starts_at):%Y-%m-%dT%H:%M}",
            context={
                "space": booking.space.name,
                "address": booking.space.location,
                "when": when(booking),
                "purpose": booking.purpose,
            },
            url=booking.get_absolute_url(),
        )


@reminder_source("spaces.request_reminders")
def request_reminders(now: dt.datetime) -> Iterator[Due]:
    """Remind the space's coordinators (`selectors.approval.space_coordinators`) of each
    whole-room request still pending a day or more after it was made (or asked again by
    a change) and not yet begun; again each further day it waits, never twice in one day
    of waiting, however often the runner runs (issue 10 B2).

    A weekly series is reminded by its earliest waiting date, with the count of the
    others. The key names the booking, its start, when it was asked, the day of waiting
    and the recipient, so a moved request is reminded again of its new time."""
    waiting = list(
        Booking.objects.filter(status=Booking.Status.PENDING, starts_at__gt=now)
        .annotate(since=Coalesce("status_changed_at", "created_at"))
        .filter(since__lte=now - REQUEST_REMINDER_AFTER)
        .select_related("space__host", "user")
        .order_by("starts_at", "pk")
    )
    first_of: dict[tuple, Booking] = {}
    others: dict[tuple, int] = {}
    for booking in waiting:
        group = ("series", booking.series_id) if booking.series_id else ("one", booking.pk)
        if group in first_of:
            others[group] = others.get(group, 0) + 1
        else:
            first_of[group] = booking
    coordinators: dict[int, list] = {}
    for group, booking in first_of.items():
        if booking.space_id not in coordinators:
            coordinators[booking.space_id] = space_coordinators(booking.space)
        days = (now - booking.since) // REQUEST_REMINDER_AFTER
        start = timezone.localtime(booking.starts_at)
        since = timezone.localtime(booking.since)
        context = {
            **request_context(booking),
            "since": Rendered(jdatetime, booking.since),
            "more": more_dates(others.get(group, 0)),
        }
        for person in coordinators[booking.space_id]:
            yield Due(
                person,
                "space.booking_request_reminder",
                booking,
                key=f"space.booking_request_reminder|{booking.pk}|{start:%Y-%m-%dT%H:%M}|"
                f"{since:%Y%m%dT%H%M%S}|day{days}|{person.pk}",
                context=context,
                url=booking.get_absolute_url(),
            )
