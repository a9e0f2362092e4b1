"""Booking a space. Every write locks the space row first, so checks and insert happen
in one queue per space; the exclusion constraint is the last guard behind the lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.notifications.services import notify

from . import permissions, rules
from .models import Booking, BookingSeries, Space
from .rules import Refusal


class BookingError(Exception):
    """A refused booking; each refusal names the form field its message belongs to."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__("; ".join(r.message for r in refusals))
        self.refusals = refusals


def _refuse(code: str, message: str, field: str | None = None) -> BookingError:
    return BookingError([Refusal(code, message, field)])


def lock_space(space_id: int) -> Space:
    """The space row, locked for this transaction, with its rules loaded."""
    return (
        Space.objects.select_for_update(of=("self",))
        .prefetch_related("opening_hours", "closures")
        .get(pk=space_id)
    )


def _live_overlapping(space: Space, starts_at, ends_at, exclude_pk=None):
    queryset = Booking.objects.filter(
        space=space,
        status__in=Booking.LIVE_STATUSES,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset.only("id", "kind", "user_id", "starts_at", "ends_at"))


def peak_seats(bookings, starts_at, ends_at) -> int:
    """The most seats taken at any one moment within [starts_at, ends_at)."""
    events = []
    for booking in bookings:
        if booking.kind != Booking.Kind.SEAT:
            continue
        events.append((max(booking.starts_at, starts_at), 1))
        events.append((min(booking.ends_at, ends_at), -1))
    # Ends sort before starts at the same instant: back-to-back bookings share a seat.
    events.sort(key=lambda event: (event[0], event[1]))
    peak = current = 0
    for _moment, change in events:
        current += change
        peak = max(peak, current)
    return peak


def capacity_refusal(space, *, user, kind, starts_at, ends_at, exclude_pk=None) -> Refusal | None:
    overlapping = _live_overlapping(space, starts_at, ends_at, exclude_pk)
    if kind == Booking.Kind.WHOLE_ROOM:
        if overlapping:
            return Refusal("taken", _("This time overlaps another booking."), "starts_at")
        return None
    if any(b.kind == Booking.Kind.WHOLE_ROOM for b in overlapping):
        return Refusal("taken", _("This time overlaps another booking."), "starts_at")
    if any(b.user_id == user.pk for b in overlapping):
        return Refusal("own_overlap", _("You already have a booking at this time."), "starts_at")
    if peak_seats(overlapping, starts_at, ends_at) >= space.capacity:
        return Refusal("full", _("This time is fully booked."), "starts_at")
    return None


def _check(space, *, user, kind, starts_at, ends_at, now, exclude_pk=None) -> list[Refusal]:
    refusals = rules.check_booking_time(space, starts_at=starts_at, ends_at=ends_at, now=now)
    if refusals:
        return refusals
    refusal = capacity_refusal(
        space, user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk
    )
    return [refusal] if refusal else []


def _check_quest(user, quest) -> None:
    if quest is None:
        return
    from quests import permissions as quest_permissions

    if not (
        quest_permissions.is_team_member(user, quest)
        or quest_permissions.coordinates_quest(user, quest)
    ):
        raise _refuse("quest", _("Only the quest's team can book for it."), "quest")


def booking_create(
    *,
    space: Space,
    user,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    quest=None,
    now: dt.datetime | None = None,
    series: BookingSeries | None = None,
) -> Booking:
    now = now or timezone.now()
    if not permissions.can_book(user, space):
        raise _refuse("forbidden", _("You cannot book this space."))
    if kind not in Booking.Kind.values:
        raise _refuse("kind", _("Choose a seat or the whole room."), "kind")
    _check_quest(user, quest)
    try:
        with transaction.atomic():
            locked = lock_space(space.pk)
            refusals = _check(
                locked, user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, now=now
            )
            if refusals:
                raise BookingError(refusals)
            status = (
                Booking.Status.PENDING
                if kind == Booking.Kind.WHOLE_ROOM
                and locked.whole_room_needs_approval
                and not permissions.can_coordinate(user, locked)
                else Booking.Status.CONFIRMED
            )
            return Booking.objects.create(
                space=locked,
                user=user,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose,
                quest=quest,
                series=series,
                status=status,
            )
    except IntegrityError:
        # The exclusion constraint caught what the locked check let through.
        raise _refuse("taken", _("This time overlaps another booking."), "starts_at") from None


def booking_change(
    *, booking: Booking, user, starts_at, ends_at, purpose: str, now=None
) -> Booking:
    now = now or timezone.now()
    if not permissions.can_change_booking(user, booking):
        raise _refuse("forbidden", _("You cannot change this booking."))
    try:
        with transaction.atomic():
            locked = lock_space(booking.space_id)
            current = Booking.objects.select_for_update().get(pk=booking.pk)
            if not current.is_live:
                raise _refuse("not_live", _("This booking was cancelled."))
            refusals = _check(
                locked,
                user=current.user,
                kind=current.kind,
                starts_at=starts_at,
                ends_at=ends_at,
                now=now,
                exclude_pk=current.pk,
            )
            if refusals:
                raise BookingError(refusals)
            current.starts_at, current.ends_at, current.purpose = starts_at, ends_at, purpose
            current.save(update_fields=["starts_at", "ends_at", "purpose"])
            return current
    except IntegrityError:
        raise _refuse("taken", _("This time overlaps another booking."), "starts_at") from None


def _when(booking: Booking) -> str:
    start = timezone.localtime(booking.starts_at)
    end = timezone.localtime(booking.ends_at)
    return f"{rules.jdate(start.date())} {start:%H:%M}〜{end:%H:%M}"


class _When:
    """The booking's time in each recipient's language, when notify() renders it."""

    def __init__(self, booking: Booking):
        self.booking = booking

    def __str__(self) -> str:
        return _when(self.booking)


def _tell_booker(booking: Booking, kind: str, reason: str, actor) -> None:
    if booking.user_id == getattr(actor, "pk", None):
        return
    notify(
        booking.user,
        kind,
        booking,
        context={
            "space": booking.space.name,
            "when": _When(booking),
            "purpose": booking.purpose,
            "reason": reason,
        },
        url=booking.get_absolute_url(),
        key=f"{kind}|{booking.pk}",
    )


def booking_cancel(*, booking: Booking, user, reason: str = "", now=None) -> Booking:
    """The booker until the cancellation deadline; coordinators until it ends (the booker
    is then told why)."""
    now = now or timezone.now()
    coordinator = permissions.can_coordinate(user, booking.space)
    if booking.user_id != user.pk and not coordinator:
        raise _refuse("forbidden", _("You cannot cancel this booking."))
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update().select_related("space", "user").get(pk=booking.pk)
        )
        if not current.is_live:
            raise _refuse("not_live", _("This booking was already cancelled."))
        if not permissions.can_cancel(user, current, now=now):
            # The rule's own message: over, or past the booker's deadline.
            refusal = rules.check_cancellation(current, now=now)
            raise BookingError(
                [refusal or Refusal("forbidden", _("You cannot cancel this booking."))]
            )
        current.status = Booking.Status.CANCELLED
        current.status_reason = reason
        current.status_changed_by = user
        current.status_changed_at = now
        current.save(
            update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"]
        )
        _tell_booker(current, "space.booking_cancelled_by_coordinator", reason, user)
    return current


def booking_decide(*, booking: Booking, user, approve: bool, reason: str = "") -> Booking:
    """Coordinators approve or decline a pending whole-room booking; the booker is told."""
    if not permissions.can_coordinate(user, booking.space):
        raise _refuse("forbidden", _("Only the space's coordinators decide on bookings."))
    if not approve and not reason.strip():
        raise _refuse("reason", _("Give the reason for declining."), "reason")
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update().select_related("space", "user").get(pk=booking.pk)
        )
        if current.status != Booking.Status.PENDING:
            raise _refuse("not_pending", _("This booking is not waiting for approval."))
        current.status = Booking.Status.CONFIRMED if approve else Booking.Status.DECLINED
        current.status_reason = reason
        current.status_changed_by = user
        current.status_changed_at = timezone.now()
        current.save(
            update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"]
        )
        _tell_booker(
            current, "space.booking_approved" if approve else "space.booking_declined", reason, user
        )
    return current


def booking_approve(*, booking: Booking, user) -> Booking:
    return booking_decide(booking=booking, user=user, approve=True)


def booking_decline(*, booking: Booking, user, reason: str) -> Booking:
    return booking_decide(booking=booking, user=user, approve=False, reason=reason)


# --- Recurring bookings ------------------------------------------------------------------


# How a refused date reads in the preview: the space is closed that day, the time is
# already booked (overlap or full), or another rule (too far ahead, hours, past…).
CLOSED_CODES = {"weekday", "closure", "holiday", "outside_period"}
TAKEN_CODES = {"taken", "own_overlap"}


@dataclass
class Occurrence:
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    refusals: list[Refusal]

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


MAX_OCCURRENCES = 60


def _check_series_range(first_date: dt.date, last_date: dt.date, every_n_weeks: int) -> None:
    """Refuse a series that ends before it starts or has more than MAX_OCCURRENCES dates,
    counted by arithmetic: a last date in 2100 must not make us walk 4,000 weeks first."""
    if last_date < first_date:
        raise _refuse("order", _("The last date must not be before the first."), "last_date")
    if (last_date - first_date).days // (7 * every_n_weeks) + 1 > MAX_OCCURRENCES:
        raise _refuse(
            "too_many",
            _("A series can have at most %(count)d dates.") % {"count": MAX_OCCURRENCES},
            "last_date",
        )


def series_preview(
    *, space: Space, user, kind, first_date, last_date, start_time, end_time, now=None,
    every_n_weeks: int = 1, space_is_locked: bool = False,
) -> list[Occurrence]:  # fmt: skip
    """Every date of the series (the first date's weekday, every n weeks) with why it
    cannot be booked, if it cannot. No writes, no lock: the confirmation checks again.
    Raises BookingError ("order", "too_many") before looking at any date."""
    now = now or timezone.now()
    every_n_weeks = max(1, every_n_weeks)
    _check_series_range(first_date, last_date, every_n_weeks)
    if not space_is_locked:
        space = Space.objects.prefetch_related("opening_hours", "closures").get(pk=space.pk)
    occurrences = []
    # One query for the whole series would be nicer; a series is at most MAX_OCCURRENCES.
    for day in _dates(first_date, last_date, every_n_weeks):
        starts_at, ends_at = _aware(day, start_time), _aware(day, end_time)
        refusals = _check(
            space, user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, now=now
        )
        occurrences.append(Occurrence(day, starts_at, ends_at, refusals))
    return occurrences


def series_confirm(
    *, space: Space, user, kind, first_date, last_date, start_time, end_time, purpose,
    quest=None, now=None, every_n_weeks: int = 1,
) -> tuple[BookingSeries | None, list[Booking], list[Occurrence]]:  # fmt: skip
    """Book every free date in one transaction under the space lock; dates taken since
    the preview are skipped and reported."""
    now = now or timezone.now()
    every_n_weeks = max(1, every_n_weeks)
    if not permissions.can_book(user, space):
        raise _refuse("forbidden", _("You cannot book this space."))
    if kind not in Booking.Kind.values:
        raise _refuse("kind", _("Choose a seat or the whole room."), "kind")
    _check_series_range(first_date, last_date, every_n_weeks)
    _check_quest(user, quest)
    created: list[Booking] = []
    skipped: list[Occurrence] = []
    with transaction.atomic():
        locked = lock_space(space.pk)
        occurrences = series_preview(
            space=locked, user=user, kind=kind, first_date=first_date, last_date=last_date,
            start_time=start_time, end_time=end_time, now=now, every_n_weeks=every_n_weeks,
            space_is_locked=True,
        )  # fmt: skip
        free = [o for o in occurrences if o.is_free]
        skipped = [o for o in occurrences if not o.is_free]
        if not free:
            return None, [], skipped
        series = BookingSeries.objects.create(space=locked, user=user, kind=kind, purpose=purpose)
        status = (
            Booking.Status.PENDING
            if kind == Booking.Kind.WHOLE_ROOM
            and locked.whole_room_needs_approval
            and not permissions.can_coordinate(user, locked)
            else Booking.Status.CONFIRMED
        )
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
                )  # fmt: skip
            )
    return series, created, skipped


def series_cancel_from(*, booking: Booking, user, reason: str = "", now=None) -> int:
    """Cancel this occurrence and every later live one of its series, all or none (a date
    past its deadline refuses the whole request, with that date's reason)."""
    if booking.series_id is None:
        booking_cancel(booking=booking, user=user, reason=reason, now=now)
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
            booking_cancel(booking=occurrence, user=user, reason=reason, now=now)
    return len(later)
