"""The week and month views: which slots are open and how full, from one query for the
bookings and the space's prefetched rules."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from .. import rules
from ..models import Booking, Space


def space_with_rules(pk: int) -> Space:
    """The space `pk` with its host, the host's regions, opening hours and closures loaded
    (what `spaces.rules` reads). Raises Space.DoesNotExist."""
    return (
        Space.objects.select_related("host")
        .prefetch_related("opening_hours", "closures", "host__regions")
        .get(pk=pk)
    )


def _live_between(space: Space, start: dt.datetime, end: dt.datetime):
    """The live bookings of `space` overlapping [start, end), as a queryset."""
    return Booking.objects.filter(
        space=space, status__in=Booking.LIVE_STATUSES, starts_at__lt=end, ends_at__gt=start
    )


def bookings_between(space: Space, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """The live bookings of `space` overlapping [start, end), with booker and quest, in
    time order."""
    return list(
        _live_between(space, start, end).select_related("user", "quest").order_by("starts_at")
    )


@dataclass
class Cell:
    """One slot of the week view: open or past, seats taken, the whole-room booking over
    it, if any, and the seat bookings."""

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
    """The week view from `monday` (space from `space_with_rules`): "days" (WeekDay), "rows"
    (each slot time with the cell of every day), the previous and next Mondays, the
    week's first and last day. One query for the bookings."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    start = dt.datetime.combine(days[0], dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    bookings = bookings_between(space, start, end)
    times: set[str] = set()
    week_days = []
    for day in days:
        info = rules.day_info(space, day)
        cells = {}
        for slot_start, slot_end in rules.slots(space, day):
            key = timezone.localtime(slot_start).strftime("%H:%M")
            times.add(key)
            cell = Cell(
                slot_start, slot_end, open=True, past=slot_end <= now, capacity=space.capacity
            )
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
    """The month view of the month starting `first`: weeks of days, each open or closed
    with its live bookings counted by kind, and the previous and next months' first
    days. One query, counting in the database: a busy room has some 600 bookings a
    month, which the page never shows one by one."""
    tz = timezone.get_current_timezone()
    _weekday, length = calendar.monthrange(first.year, first.month)
    last = first.replace(day=length)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    counts: dict[dt.date, dict[str, int]] = {}
    per_day = (
        _live_between(space, start, end)
        .annotate(day=TruncDate("starts_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in per_day:
        counts.setdefault(row["day"], dict.fromkeys(Booking.Kind.values, 0))[row["kind"]] = row[
            "count"
        ]
    weeks = []
    for week_days in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "info": rules.day_info(space, day),
                    "seat": counts.get(day, {}).get(Booking.Kind.SEAT, 0),
                    "whole_room": counts.get(day, {}).get(Booking.Kind.WHOLE_ROOM, 0),
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
