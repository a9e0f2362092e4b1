"""The opening rules of a space, as plain functions over a prefetched space.

Everything here is pure: no writes, no locks. Capacity and overlap are checked by
services/bookings.py under the space lock, and finally by the database's exclusion
constraint. Times are Asia/Tokyo; every refusal is a `BookingError` carrying the form
field it belongs to and a message in the user's language.

This is the domain's rule book, not a service: selectors (the week view), permissions
(may the booker still cancel?), forms (the time grid), the admin and the services all
read it, so it sits below them all.

A closing time of 00:00 is the end of the day, read and shown as 24:00 (see
`OpeningHours`): a range is turned into aware datetimes by `span`, never compared as bare
times, so 10:00〜24:00 ends at the next day's 00:00. The rules read from a `Space` (its
prefetched rows) or from a `RuleSet`, the rules a coordinator is about to save.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cocreation.core import dates, inputs

from .errors import BookingError
from .models import END_OF_DAY, MINUTES_PER_DAY, Booking, Closure, OpeningHours, Space


@dataclass
class DayInfo:
    """One day of a space: its opening ranges (a closing time of 00:00 is 24:00), or the
    reason it is closed."""

    day: dt.date
    ranges: list[tuple[dt.time, dt.time]] = field(default_factory=list)
    closed_reason: str = ""
    closed_code: str = ""

    @property
    def is_open(self) -> bool:
        return bool(self.ranges) and not self.closed_reason

    @property
    def hours_text(self) -> str:
        """10:00〜24:00, as `hours_text`; "" on a closed day."""
        return hours_text(self.ranges) if self.is_open else ""

    def spans(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The open ranges as aware datetimes (a range closing at 24:00 ends at the next
        day's 00:00); none on a closed day."""
        return [span(self.day, a, b) for a, b in self.ranges] if self.is_open else []


@dataclass
class RuleSet:
    """The opening rules of a space as plain values: what `day_info` reads, without the
    database. The rules page builds one from the forms before saving, to find the bookings
    the new rules would leave outside (`newly_outside`). `hours` and `closures` are
    unsaved or saved `OpeningHours` / `Closure` rows."""

    opens_on: dt.date
    closes_on: dt.date | None
    closed_on_public_holidays: bool
    hours: list[OpeningHours]
    closures: list[Closure]
    # A space taken out of use keeps no booking open (issue 10 B3: its bookings are listed
    # like those a closure would hide).
    is_active: bool = True

    @classmethod
    def of(cls, space: Space, *, hours=None, closures=None) -> RuleSet:
        """The rules of `space` (its period and holiday fields as they are on the object,
        its prefetched rows), with `hours` or `closures` replaced when given."""
        return cls(
            opens_on=space.opens_on,
            closes_on=space.closes_on,
            closed_on_public_holidays=space.closed_on_public_holidays,
            hours=list(space.opening_hours.all()) if hours is None else list(hours),
            closures=list(space.closures.all()) if closures is None else list(closures),
            is_active=space.is_active,
        )

    @classmethod
    def from_rows(
        cls, space: Space, *, values: dict, hours: list[dict], closures: list[dict]
    ) -> RuleSet:
        """The rules as a coordinator is about to save them, from plain values: `values`
        the space's fields by name (those missing keep the space's), `hours` every opening
        range as {"weekday", "opens_at", "closes_at"} and `closures` every closure as
        {"starts_on", "ends_on", "reason", "every_year"}; an "id" key is ignored here."""

        def row(model, data: dict):
            return model(space=space, **{k: v for k, v in data.items() if k != "id"})

        return cls(
            opens_on=values.get("opens_on", space.opens_on),
            closes_on=values.get("closes_on", space.closes_on),
            closed_on_public_holidays=values.get(
                "closed_on_public_holidays", space.closed_on_public_holidays
            ),
            hours=[row(OpeningHours, data) for data in hours],
            closures=[row(Closure, data) for data in closures],
            is_active=values.get("is_active", space.is_active),
        )


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


def minutes_of(value: dt.time, *, closing: bool = False) -> int:
    """Minutes since the day's 00:00; a closing time of 00:00 is 1440 (24:00)."""
    if closing and value == END_OF_DAY:
        return MINUTES_PER_DAY
    return value.hour * 60 + value.minute


def span(day: dt.date, opens_at: dt.time, closes_at: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """One opening range of `day` as aware datetimes in the current time zone; a closing
    time of 00:00 ends at the next day's 00:00."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, opens_at, tzinfo=tz)
    return start, end_at(day, closes_at)


def end_at(day: dt.date, value: dt.time) -> dt.datetime:
    """The aware end of something on `day` that ends at `value`; 00:00 is the day's end
    (the next day's 00:00), as a closing time or a booking's "until 24:00"."""
    tz = timezone.get_current_timezone()
    if value == END_OF_DAY:
        return dt.datetime.combine(day + dt.timedelta(days=1), END_OF_DAY, tzinfo=tz)
    return dt.datetime.combine(day, value, tzinfo=tz)


def hours_text(ranges: list[tuple[dt.time, dt.time]]) -> str:
    """10:00〜19:00 (several ranges joined, e.g. 10:00〜12:00、13:00〜24:00)."""
    separator = ", " if (translation.get_language() or "ja").startswith("en") else "、"
    dash = "–" if (translation.get_language() or "ja").startswith("en") else "〜"
    return separator.join(
        f"{dates.clock(a)}{dash}{dates.clock(b, closing=True)}" for a, b in ranges
    )


def _hours(space: Space | RuleSet) -> list[OpeningHours]:
    if isinstance(space, RuleSet):
        return space.hours
    return list(space.opening_hours.all())  # prefetched by selectors


def _closures(space: Space | RuleSet) -> list[Closure]:
    if isinstance(space, RuleSet):
        return space.closures
    return list(space.closures.all())  # prefetched by selectors


def closure_covering(space: Space | RuleSet, day: dt.date) -> Closure | None:
    """The closure that covers `day` (a yearly one by month and day), or None."""
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
    """The weekday of `day` in the active language (火曜日, Tuesday)."""
    return str(OpeningHours.Weekday(day.weekday()).label)


def day_info(space: Space | RuleSet, day: dt.date) -> DayInfo:
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
                "date": dates.jdate(day),
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


def period_message(space: Space | RuleSet) -> str:
    """The period the space can be booked in, as a sentence."""
    if space.closes_on:
        return _("The space can be booked from %(start)s to %(end)s.") % {
            "start": dates.jdate(space.opens_on),
            "end": dates.jdate(space.closes_on),
        }
    return _("The space can be booked from %(start)s.") % {"start": dates.jdate(space.opens_on)}


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
    """A length in minutes in the active language ("1 h 30 min" in English)."""
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
) -> list[BookingError]:
    """Every opening rule a booking of this time breaks (capacity aside), in reading order:
    a list of `BookingError` (code and field as `spaces.errors.BookingError` lists them),
    empty when the time is allowed. `starts_at`/`ends_at` are aware; `now` defaults to the
    current time."""
    now = now or timezone.now()
    if not (inputs.in_window(starts_at) and inputs.in_window(ends_at)):
        # Before anything else: dates outside the window overflow the arithmetic below
        # and the database refuses them (Booking's window constraints).
        return [
            BookingError(
                _("Enter a date between %(first)s and %(last)s.") % inputs.window_params(),
                code="date_window",
                field="date",
            )
        ]
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    if end <= start:
        return [BookingError(_("The end must be after the start."), code="order", field="end_time")]
    # A booking may end at 24:00, the next day's 00:00, and no later.
    if end.date() != start.date() and end != end_at(start.date(), END_OF_DAY):
        return [
            BookingError(
                _("A booking must start and end on the same day."),
                code="midnight",
                field="end_time",
            )
        ]
    refusals: list[BookingError] = []
    if start < now:
        refusals.append(
            BookingError(_("This time has already passed."), code="past", field="start_time")
        )
    last_bookable = timezone.localdate(now) + dt.timedelta(days=space.book_ahead_days)
    if start.date() > last_bookable:
        refusals.append(
            BookingError(
                _("Bookings can be made up to %(days)d days ahead (until %(date)s).")
                % {"days": space.book_ahead_days, "date": dates.jdate(last_bookable)},
                code="too_far_ahead",
                field="date",
            )
        )
    info = day_info(space, start.date())
    if not info.is_open:
        # A closed day is about the date, so the message goes next to the date field.
        refusals.append(BookingError(info.closed_reason, code=info.closed_code, field="date"))
        return refusals
    if not any(a <= start and end <= b for a, b in info.spans()):
        refusals.append(
            BookingError(
                _("Opening hours are %(hours)s.") % {"hours": hours_text(info.ranges)},
                code="hours",
                field="start_time",
            )
        )
    minutes = int((end - start).total_seconds() // 60)
    grid = space.slot_minutes
    if start.minute % grid or end.minute % grid or start.second or end.second:
        refusals.append(
            BookingError(
                _("Bookings start and end on the %(minutes)d-minute grid.") % {"minutes": grid},
                code="grid",
                field="start_time",
            )
        )
    if minutes > space.max_booking_minutes:
        refusals.append(
            BookingError(
                _("A booking can last at most %(duration)s.")
                % {"duration": duration_text(space.max_booking_minutes)},
                code="too_long",
                field="end_time",
            )
        )
    if minutes < space.min_booking_minutes:
        refusals.append(
            BookingError(
                _("A booking must last at least %(duration)s.")
                % {"duration": duration_text(space.min_booking_minutes)},
                code="too_short",
                field="end_time",
            )
        )
    return refusals


def cancellation_deadline(booking: Booking) -> dt.datetime:
    """The last moment the booker may cancel: `cancel_hours_before` hours before the start."""
    return booking.starts_at - dt.timedelta(hours=booking.space.cancel_hours_before)


def check_cancellation(booking: Booking, *, now: dt.datetime | None = None) -> BookingError | None:
    """Why the booker may not cancel `booking` at `now`: "past" (it is over) or
    "cancel_deadline" (after `cancellation_deadline`); None when they may. Coordinators
    may cancel past the deadline (permissions.can_cancel decides)."""
    now = now or timezone.now()
    if booking.ends_at <= now:
        return BookingError(_("This booking is already over."), code="past")
    deadline = cancellation_deadline(booking)
    if now > deadline:
        return BookingError(
            _("Cancellation was possible until %(deadline)s.")
            % {"deadline": dates.jdatetime(deadline)},
            code="cancel_deadline",
        )
    return None


def slots(space: Space, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's bookable slots on the space's grid, as aware datetimes."""
    info = day_info(space, day)
    step = dt.timedelta(minutes=space.slot_minutes)
    result = []
    for cursor, end in info.spans():
        while cursor + step <= end:
            result.append((cursor, cursor + step))
            cursor += step
    return result


# --- Rules changed over live bookings ------------------------------------------------------


@dataclass(frozen=True)
class AffectedBooking:
    """A live booking that a change of the rules leaves outside them, and why (in the
    reader's language, from the new rules: the closure and its reason, or the new hours)."""

    booking: Booking
    reason: str


def _spans_by_day(space: Space | RuleSet):
    infos: dict[dt.date, DayInfo] = {}

    def info_of(day: dt.date) -> DayInfo:
        if day not in infos:
            infos[day] = day_info(space, day)
        return infos[day]

    return info_of


def _fits(info: DayInfo, booking: Booking) -> bool:
    return any(a <= booking.starts_at and booking.ends_at <= b for a, b in info.spans())


def outside_opening(space: Space | RuleSet, bookings) -> list[Booking]:
    """The bookings that do not lie within one opening range of their day (a closure, a
    holiday, outside the period, a closed weekday, or outside the hours): the exceptions
    a coordinator kept when the rules changed under them."""
    info_of = _spans_by_day(space)
    return [b for b in bookings if not _fits(info_of(timezone.localdate(b.starts_at)), b)]


def newly_outside(
    current: Space | RuleSet, proposed: Space | RuleSet, bookings
) -> list[AffectedBooking]:
    """The bookings (live ones, in time order) that fit the `current` rules but not the
    `proposed` ones, each with the new rules' reason. A booking already outside the
    current rules (kept as an exception before) is not asked about again."""
    before, after = _spans_by_day(current), _spans_by_day(proposed)
    taken_out_of_use = getattr(current, "is_active", True) and not getattr(
        proposed, "is_active", True
    )
    affected = []
    for booking in bookings:
        day = timezone.localdate(booking.starts_at)
        if not _fits(before(day), booking):
            continue
        if taken_out_of_use:
            affected.append(
                AffectedBooking(booking, _("The space will no longer be in use (not bookable)."))
            )
            continue
        if _fits(after(day), booking):
            continue
        info = after(day)
        if info.is_open:
            reason = _("On %(date)s the space will be open %(hours)s only.") % {
                "date": dates.jdate(day),
                "hours": info.hours_text,
            }
        else:
            reason = info.closed_reason
        affected.append(AffectedBooking(booking, reason))
    return affected


def affected_signature(affected: list[AffectedBooking]) -> str:
    """A digest (64 hex characters) of the affected bookings as shown: ids, status and
    times. The confirm step carries it, so a second POST made after the set changed (a
    booking made, moved or cancelled meanwhile) is asked again instead of applied."""
    digest = hashlib.sha256()
    for item in sorted(affected, key=lambda a: a.booking.pk):
        booking = item.booking
        digest.update(
            f"{booking.pk}|{booking.status}|{booking.starts_at.isoformat()}|"
            f"{booking.ends_at.isoformat()}\n".encode()
        )
    return digest.hexdigest()
