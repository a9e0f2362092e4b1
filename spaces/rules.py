"""The opening rules of a space, as plain functions over a prefetched space.

Everything here is pure: no writes, no locks. Capacity and overlap are checked by
services.py under the space lock, and finally by the database's exclusion constraint.
Times are Asia/Tokyo; every refusal carries the field it belongs to and a message in
the user's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cocreation.core import inputs
from cocreation.templatetags.portal import jdate

from .models import Booking, Closure, OpeningHours, Space


@dataclass(frozen=True)
class Refusal:
    """Why a booking cannot be made; `field` names the form field the message goes next to."""

    code: str
    message: str
    field: str | None = None


@dataclass
class DayInfo:
    """One day of a space: its opening ranges, or the reason it is closed."""

    day: dt.date
    ranges: list[tuple[dt.time, dt.time]] = field(default_factory=list)
    closed_reason: str = ""
    closed_code: str = ""

    @property
    def is_open(self) -> bool:
        return bool(self.ranges) and not self.closed_reason


@lru_cache(maxsize=32)
def _japanese_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="ja"))


@lru_cache(maxsize=32)
def _english_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="en_US"))


def public_holiday(day: dt.date) -> str:
    """The holiday's name in the active language, or "" on an ordinary day."""
    language = translation.get_language() or "ja"
    table = _english_holidays if language.startswith("en") else _japanese_holidays
    return table(day.year).get(day, "")


def month_day(day: dt.date) -> str:
    """12月29日 in Japanese, 29 Dec in English."""
    if (translation.get_language() or "ja").startswith("en"):
        return f"{day.day} {day:%b}"
    return f"{day.month}月{day.day}日"


def hhmm(value: dt.time) -> str:
    return f"{value:%H:%M}"


def hours_text(ranges: list[tuple[dt.time, dt.time]]) -> str:
    """10:00〜19:00 (several ranges joined, e.g. 10:00〜12:00、13:00〜19:00)."""
    separator = ", " if (translation.get_language() or "ja").startswith("en") else "、"
    dash = "–" if (translation.get_language() or "ja").startswith("en") else "〜"
    return separator.join(f"{hhmm(a)}{dash}{hhmm(b)}" for a, b in ranges)


def _hours(space: Space) -> list[OpeningHours]:
    return list(space.opening_hours.all())  # prefetched by selectors


def _closures(space: Space) -> list[Closure]:
    return list(space.closures.all())  # prefetched by selectors


def closure_covering(space: Space, day: dt.date) -> Closure | None:
    for closure in _closures(space):
        if closure.every_year:
            start = (closure.starts_on.month, closure.starts_on.day)
            end = (closure.ends_on.month, closure.ends_on.day)
            key = (day.month, day.day)
            # A yearly range may cross the new year: 12-29 … 01-03.
            inside = start <= key <= end if start <= end else key >= start or key <= end
            if inside:
                return closure
        elif closure.starts_on <= day <= closure.ends_on:
            return closure
    return None


def closure_period_text(closure: Closure, day: dt.date) -> str:
    """The closed period as a person reads it: 12月29日〜1月3日."""
    dash = "–" if (translation.get_language() or "ja").startswith("en") else "〜"
    if closure.starts_on == closure.ends_on and not closure.every_year:
        return month_day(closure.starts_on)
    return f"{month_day(closure.starts_on)}{dash}{month_day(closure.ends_on)}"


def weekday_name(day: dt.date) -> str:
    return str(OpeningHours.Weekday(day.weekday()).label)


def day_info(space: Space, day: dt.date) -> DayInfo:
    """Is the space open on `day`, and when? Checks period, closures, holidays, weekday."""
    info = DayInfo(day=day)
    if day < space.opens_on or (space.closes_on and day > space.closes_on):
        info.closed_code = "outside_period"
        info.closed_reason = period_message(space)
        return info
    closure = closure_covering(space, day)
    if closure is not None:
        info.closed_code = "closure"
        info.closed_reason = _("%(period)s is closed: %(reason)s.") % {
            "period": closure_period_text(closure, day),
            "reason": closure.reason,
        }
        return info
    if space.closed_on_public_holidays:
        holiday = public_holiday(day)
        if holiday:
            info.closed_code = "holiday"
            info.closed_reason = _("%(date)s is a public holiday (%(name)s): closed.") % {
                "date": jdate(day),
                "name": holiday,
            }
            return info
    info.ranges = sorted(
        (h.opens_at, h.closes_at) for h in _hours(space) if h.weekday == day.weekday()
    )
    if not info.ranges:
        info.closed_code = "weekday"
        info.closed_reason = _("%(weekday)s is a closed day.") % {"weekday": weekday_name(day)}
    return info


def period_message(space: Space) -> str:
    if space.closes_on:
        return _("The space can be booked from %(start)s to %(end)s.") % {
            "start": jdate(space.opens_on),
            "end": jdate(space.closes_on),
        }
    return _("The space can be booked from %(start)s.") % {"start": jdate(space.opens_on)}


def weekly_hours_text(space: Space) -> list[tuple[str, str]]:
    """[("火曜日", "10:00〜19:00"), …] for the space page; closed weekdays say so."""
    rows = []
    for weekday in OpeningHours.Weekday:
        ranges = sorted(
            (h.opens_at, h.closes_at) for h in _hours(space) if h.weekday == weekday.value
        )
        rows.append((str(weekday.label), hours_text(ranges) if ranges else _("Closed")))
    return rows


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": rest}


def check_booking_time(
    space: Space,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> list[Refusal]:
    """Every opening rule a booking of this time breaks (capacity aside), in reading order."""
    now = now or timezone.now()
    if not (inputs.in_window(starts_at) and inputs.in_window(ends_at)):
        # Before anything else: dates outside the window overflow the arithmetic below
        # and the database refuses them (Booking's window constraints).
        return [
            Refusal(
                "date_window",
                _("Enter a date between %(first)s and %(last)s.") % inputs.window_params(),
                "date",
            )
        ]
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    if end <= start:
        return [Refusal("order", _("The end must be after the start."), "ends_at")]
    if end.date() != start.date():
        return [Refusal("midnight", _("A booking must start and end on the same day."), "ends_at")]
    refusals: list[Refusal] = []
    if start < now:
        refusals.append(Refusal("past", _("This time has already passed."), "starts_at"))
    last_bookable = timezone.localdate(now) + dt.timedelta(days=space.book_ahead_days)
    if start.date() > last_bookable:
        refusals.append(
            Refusal(
                "too_far_ahead",
                _("Bookings can be made up to %(days)d days ahead (until %(date)s).")
                % {"days": space.book_ahead_days, "date": jdate(last_bookable)},
                "date",
            )
        )
    info = day_info(space, start.date())
    if not info.is_open:
        # A closed day is about the date, so the message goes next to the date field.
        refusals.append(Refusal(info.closed_code, info.closed_reason, "date"))
        return refusals
    if not any(a <= start.time() and end.time() <= b for a, b in info.ranges):
        refusals.append(
            Refusal(
                "hours",
                _("Opening hours are %(hours)s.") % {"hours": hours_text(info.ranges)},
                "starts_at",
            )
        )
    minutes = int((end - start).total_seconds() // 60)
    grid = space.slot_minutes
    if start.minute % grid or end.minute % grid or start.second or end.second:
        refusals.append(
            Refusal(
                "grid",
                _("Bookings start and end on the %(minutes)d-minute grid.") % {"minutes": grid},
                "starts_at",
            )
        )
    if minutes > space.max_booking_minutes:
        refusals.append(
            Refusal(
                "too_long",
                _("A booking can last at most %(duration)s.")
                % {"duration": duration_text(space.max_booking_minutes)},
                "ends_at",
            )
        )
    if minutes < space.min_booking_minutes:
        refusals.append(
            Refusal(
                "too_short",
                _("A booking must last at least %(duration)s.")
                % {"duration": duration_text(space.min_booking_minutes)},
                "ends_at",
            )
        )
    return refusals


def cancellation_deadline(booking: Booking) -> dt.datetime:
    return booking.starts_at - dt.timedelta(hours=booking.space.cancel_hours_before)


def check_cancellation(booking: Booking, *, now: dt.datetime | None = None) -> Refusal | None:
    """The booker may cancel until the deadline; coordinators may always (services decide)."""
    now = now or timezone.now()
    if booking.ends_at <= now:
        return Refusal("past", _("This booking is already over."))
    deadline = cancellation_deadline(booking)
    if now > deadline:
        return Refusal(
            "cancel_deadline",
            _("Cancellation was possible until %(deadline)s.")
            % {"deadline": f"{jdate(deadline)} {timezone.localtime(deadline):%H:%M}"},
        )
    return None


def slots(space: Space, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's bookable slots on the space's grid, as aware datetimes."""
    info = day_info(space, day)
    if not info.is_open:
        return []
    tz = timezone.get_current_timezone()
    step = dt.timedelta(minutes=space.slot_minutes)
    result = []
    for opens_at, closes_at in info.ranges:
        cursor = dt.datetime.combine(day, opens_at, tzinfo=tz)
        end = dt.datetime.combine(day, closes_at, tzinfo=tz)
        while cursor + step <= end:
            result.append((cursor, cursor + step))
            cursor += step
    return result
