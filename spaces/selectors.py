"""What the space pages show, each built from a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from . import rules
from .models import Booking, Space


def space_with_rules(pk: int) -> Space:
    return (
        Space.objects.select_related("host")
        .prefetch_related("opening_hours", "closures", "host__regions")
        .get(pk=pk)
    )


def _bookings_between(space: Space, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    return list(
        Booking.objects.filter(
            space=space,
            status__in=Booking.LIVE_STATUSES,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("user", "quest")
        .order_by("starts_at")
    )


@dataclass
class Cell:
    starts_at: dt.datetime
    ends_at: dt.datetime
    open: bool = False
    past: bool = False
    seats_taken: int = 0
    whole_room: Booking | None = None
    seat_bookings: list = field(default_factory=list)

    @property
    def seats_free(self) -> int:
        return 0 if self.whole_room else max(self.capacity - self.seats_taken, 0)

    capacity: int = 0


@dataclass
class WeekDay:
    """One day of the week view: whether it is open, its slots by start time ("HH:MM"),
    and its exceptions: live bookings outside the opening rules, kept by a coordinator
    when the rules changed under them (a closure over them, shorter hours), which no slot
    shows."""

    info: rules.DayInfo
    cells: dict[str, Cell]
    exceptions: list[Booking] = field(default_factory=list)


def week(space: Space, monday: dt.date, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    start = dt.datetime.combine(days[0], dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    bookings = _bookings_between(space, start, end)
    times: set[str] = set()
    week_days = []
    for day in days:
        info = rules.day_info(space, day)
        cells = {}
        for slot_start, slot_end in rules.slots(space, day):
            key = timezone.localtime(slot_start).strftime("%H:%M")
            times.add(key)
            cell = Cell(slot_start, slot_end, open=True, past=slot_end <= now,
                        capacity=space.capacity)  # fmt: skip
            for booking in bookings:
                if booking.starts_at < slot_end and booking.ends_at > slot_start:
                    if booking.kind == Booking.Kind.WHOLE_ROOM:
                        cell.whole_room = booking
                    else:
                        cell.seats_taken += 1
                        cell.seat_bookings.append(booking)
            cells[key] = cell
        on_day = [b for b in bookings if timezone.localdate(b.starts_at) == day]
        week_days.append(WeekDay(info, cells, rules.outside_opening(space, on_day)))
    rows = sorted(times)
    return {
        "days": week_days,
        "rows": [(t, [d.cells.get(t) for d in week_days]) for t in rows],
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "monday": monday,
        "sunday": days[-1],
    }


def month(space: Space, first: dt.date) -> dict:
    tz = timezone.get_current_timezone()
    _weekday, length = calendar.monthrange(first.year, first.month)
    last = first.replace(day=length)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    counts: dict[dt.date, dict[str, int]] = {}
    for booking in _bookings_between(space, start, end):
        day = timezone.localtime(booking.starts_at).date()
        counts.setdefault(day, {"seat": 0, "whole_room": 0})[booking.kind] += 1
    weeks = []
    for week_days in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "info": rules.day_info(space, day),
                    "seat": counts.get(day, {}).get("seat", 0),
                    "whole_room": counts.get(day, {}).get("whole_room", 0),
                }
                for day in week_days
            ]
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return {
        "weeks": weeks,
        "first": first,
        "previous": previous,
        "next": last + dt.timedelta(days=1),
    }


def my_bookings(user, *, upcoming: bool, now=None):
    now = now or timezone.now()
    queryset = Booking.objects.filter(user=user).select_related("space", "quest")
    if upcoming:
        return queryset.filter(ends_at__gte=now).order_by("starts_at")
    return queryset.filter(ends_at__lt=now).order_by("-starts_at")


def pending_for(spaces):
    return (
        Booking.objects.filter(space__in=spaces, status=Booking.Status.PENDING)
        .select_related("space", "user", "quest")
        .order_by("starts_at")
    )


def bookings_in_period(space: Space, first: dt.date, last: dt.date):
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


def booking_counts(spaces) -> dict[int, int]:
    now = timezone.now()
    rows = (
        Booking.objects.filter(space__in=spaces, ends_at__gte=now)
        .values("space_id")
        .annotate(n=Count("pk", filter=Q(status__in=Booking.LIVE_STATUSES)))
    )
    return {row["space_id"]: row["n"] for row in rows}
