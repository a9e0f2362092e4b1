"""Weekly bookings: every date of a series previewed with why it cannot be booked, then the
free dates booked in one transaction under the space lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..errors import BookingError
from ..models import Booking, BookingSeries, Space
from ..notifications import dates_list, tell_coordinators, when
from . import bookings

# How a refused date reads in the preview: the space is closed that day, the time is
# already booked (overlap or full), or another rule (too far ahead, hours, past…).
CLOSED_CODES = {"weekday", "closure", "holiday", "outside_period"}
TAKEN_CODES = {"taken", "own_overlap"}
# The most dates one series may have.
MAX_OCCURRENCES = 60


@dataclass
class Occurrence:
    """One date of a series: its aware times and why it cannot be booked (empty: free)."""

    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    refusals: list[BookingError]

    @property
    def is_free(self) -> bool:
        return not self.refusals

    @property
    def reason(self) -> str:
        return " ".join(r.message for r in self.refusals)

    @property
    def code(self) -> str:
        """The first refusal's code (e.g. "closure", "holiday", "full"), or "free"."""
        return self.refusals[0].code if self.refusals else "free"

    @property
    def status(self) -> str:
        """free / closed / taken / full, or the rule's code (e.g. too_far_ahead)."""
        codes = {r.code for r in self.refusals}
        if not codes:
            return "free"
        if codes & CLOSED_CODES:
            return "closed"
        if codes & TAKEN_CODES:
            return "taken"
        return self.code


def _dates(first: dt.date, last: dt.date, every_weeks: int = 1):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(weeks=every_weeks)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def _check_series_range(first_date: dt.date, last_date: dt.date, every_n_weeks: int) -> None:
    """Refuse a series that ends before it starts or has more than MAX_OCCURRENCES dates,
    counted by arithmetic: a last date in 2100 must not make us walk 4,000 weeks first."""
    if last_date < first_date:
        raise BookingError(
            _("The last date must not be before the first."), code="order", field="last_date"
        )
    if (last_date - first_date).days // (7 * every_n_weeks) + 1 > MAX_OCCURRENCES:
        raise BookingError(
            _("A series can have at most %(count)d dates.") % {"count": MAX_OCCURRENCES},
            code="too_many",
            field="last_date",
        )


def series_preview(
    *,
    space: Space,
    user,
    kind: str,
    first_date: dt.date,
    last_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    now: dt.datetime | None = None,
    every_n_weeks: int = 1,
    space_is_locked: bool = False,
) -> list[Occurrence]:
    """Every date of the series (the first date's weekday, every n weeks, `start_time` to
    `end_time` local; an `end_time` of 00:00 is 24:00) with why it cannot be booked, if
    it cannot. No writes, no lock: the confirmation checks again. Raises BookingError
    ("order", "too_many") before looking at any date."""
    now = now or timezone.now()
    every_n_weeks = max(1, every_n_weeks)
    _check_series_range(first_date, last_date, every_n_weeks)
    if not space_is_locked:
        space = Space.objects.prefetch_related("opening_hours", "closures").get(pk=space.pk)
    occurrences = []
    # One query for the whole series would be nicer; a series is at most MAX_OCCURRENCES.
    for day in _dates(first_date, last_date, every_n_weeks):
        starts_at, ends_at = _aware(day, start_time), rules.end_at(day, end_time)
        refusals = bookings.refusals_for(
            space, user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, now=now
        )
        occurrences.append(Occurrence(day, starts_at, ends_at, refusals))
    return occurrences


def series_confirm(
    *,
    space: Space,
    user,
    kind: str,
    first_date: dt.date,
    last_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    purpose: str,
    quest=None,
    now: dt.datetime | None = None,
    every_n_weeks: int = 1,
) -> tuple[BookingSeries | None, list[Booking], list[Occurrence]]:
    """Book every free date of the series (as `series_preview`) in one transaction under
    the space lock; dates taken since the preview are skipped and reported. A whole-room
    series that needs approval is pending, and the coordinators get one message listing
    its dates. Returns (the series or None when no date was free, the bookings made, the
    dates skipped); raises BookingError ("forbidden", "kind", "order", "too_many",
    "quest")."""
    now = now or timezone.now()
    every_n_weeks = max(1, every_n_weeks)
    bookings.check_kind(user, space, kind)
    _check_series_range(first_date, last_date, every_n_weeks)
    bookings.check_quest(user, quest)
    created: list[Booking] = []
    skipped: list[Occurrence] = []
    with transaction.atomic():
        locked = bookings.lock_space(space.pk)
        occurrences = series_preview(
            space=locked,
            user=user,
            kind=kind,
            first_date=first_date,
            last_date=last_date,
            start_time=start_time,
            end_time=end_time,
            now=now,
            every_n_weeks=every_n_weeks,
            space_is_locked=True,
        )
        free = [o for o in occurrences if o.is_free]
        skipped = [o for o in occurrences if not o.is_free]
        if not free:
            return None, [], skipped
        series = BookingSeries.objects.create(space=locked, user=user, kind=kind, purpose=purpose)
        status = bookings.initial_status(locked, user=user, kind=kind)
        for occurrence in free:
            created.append(
                Booking.objects.create(
                    space=locked,
                    user=user,
                    kind=kind,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    purpose=purpose,
                    quest=quest,
                    series=series,
                    status=status,
                )
            )
        if status == Booking.Status.PENDING:
            # One message for the series, listing its dates, rather than one per date.
            tell_coordinators(
                created[0],
                "space.booking_series_requested",
                actor=user,
                key=f"space.booking_series_requested|{series.pk}",
                extra={"first": when(created[0]), "dates": dates_list(created)},
                url=reverse("spaces:pending"),
            )
    return series, created, skipped


def series_cancel_from(
    *, booking: Booking, user, reason: str = "", now: dt.datetime | None = None
) -> int:
    """Cancel this occurrence and every later live one of its series, all or none (a date
    past its deadline refuses the whole request, with that date's reason). A booking of
    no series is cancelled alone. Returns how many were cancelled; raises BookingError
    as `bookings.booking_cancel`."""
    if booking.series_id is None:
        bookings.booking_cancel(booking=booking, user=user, reason=reason, now=now)
        return 1
    with transaction.atomic():
        later = list(
            Booking.objects.filter(
                series_id=booking.series_id,
                starts_at__gte=booking.starts_at,
                status__in=Booking.LIVE_STATUSES,
            )
            .select_related("space")
            .order_by("starts_at")
        )
        for occurrence in later:
            bookings.booking_cancel(booking=occurrence, user=user, reason=reason, now=now)
    return len(later)
