"""The coordinators' reports: occupancy by weekday and hour, and the bookings of a period."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cocreation.core.exports import EXPORT_CHUNK_ROWS

from .. import rules
from ..models import Booking, Space


def bookings_in_period(space: Space, first: dt.date, last: dt.date):
    """Every booking of `space` (any status) starting on a day from `first` to `last`
    (local dates), with booker and quest, in time order: the CSV export's rows."""
    tz = timezone.get_current_timezone()
    return (
        Booking.objects.filter(
            space=space,
            starts_at__gte=dt.datetime.combine(first, dt.time(0), tzinfo=tz),
            starts_at__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
        )
        .select_related("user", "quest")
        .order_by("starts_at")
    )


def bookings_for_export(space: Space, first: dt.date, last: dt.date):
    """The rows of the bookings CSV: `bookings_in_period` with only the columns it shows
    (booker's name and address, the quest's title), ties in time broken by id, read
    EXPORT_CHUNK_ROWS at a time through a server-side cursor. One query however many
    bookings; an iterator, to be read once."""
    return (
        bookings_in_period(space, first, last)
        .order_by("starts_at", "pk")
        .only(
            "starts_at",
            "ends_at",
            "kind",
            "status",
            "purpose",
            "user__family_name",
            "user__given_name",
            "user__email",
            "quest__title",
        )
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )


def occupancy(space: Space, first: dt.date, last: dt.date) -> dict:
    """Average seats in use per weekday and hour over the period (whole room = every seat)."""
    weekdays = range(7)
    # A range closing at 24:00 (stored 00:00) covers its last hour, 23:00–24:00.
    hours = sorted(
        {
            h
            for o in space.opening_hours.all()
            for h in range(o.opens_at.hour, rules.minutes_of(o.closes_at, closing=True) // 60)
        }
    ) or list(range(9, 18))
    used = {(w, h): 0.0 for w in weekdays for h in hours}
    open_days = {w: 0 for w in weekdays}
    day = first
    while day <= last:
        if rules.day_info(space, day).is_open:
            open_days[day.weekday()] += 1
        day += dt.timedelta(days=1)
    for booking in bookings_in_period(space, first, last).filter(status=Booking.Status.CONFIRMED):
        start = timezone.localtime(booking.starts_at)
        end = timezone.localtime(booking.ends_at)
        seats = space.capacity if booking.kind == Booking.Kind.WHOLE_ROOM else 1
        for hour in hours:
            hour_start = start.replace(hour=hour, minute=0, second=0, microsecond=0)
            hour_end = hour_start + dt.timedelta(hours=1)
            overlap = (min(end, hour_end) - max(start, hour_start)).total_seconds()
            if overlap > 0:
                used[(start.weekday(), hour)] += seats * overlap / 3600
    rate = {
        key: (value / (open_days[key[0]] * space.capacity) if open_days[key[0]] else None)
        for key, value in used.items()
    }
    return {"hours": hours, "rate": rate, "open_days": open_days}
