"""Booking a space: make, change and cancel one booking. Every write locks the space row
first, so checks and insert happen in one queue per space; the exclusion constraint is
the last guard behind the lock."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.notifications.services import notify

from .. import permissions, rules
from ..errors import BookingError
from ..models import Booking, BookingSeries, Space
from ..notifications import as_booked, tell_booker, tell_coordinators


def _taken() -> BookingError:
    return BookingError(_("This time overlaps another booking."), code="taken", field="start_time")


def _forbidden(message) -> BookingError:
    return BookingError(message, code="forbidden")


def _wrong_kind() -> BookingError:
    return BookingError(_("Choose a seat or the whole room."), code="kind", field="kind")


def lock_space(space_id: int) -> Space:
    """The space row, locked for this transaction (SELECT … FOR UPDATE of the space row
    only), with its opening hours and closures loaded. Call inside `transaction.atomic`."""
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


def capacity_refusal(
    space: Space, *, user, kind: str, starts_at, ends_at, exclude_pk=None
) -> BookingError | None:
    """Why the live bookings leave no room for this one ("taken": a whole room overlaps or
    is asked over others; "own_overlap": the booker already holds a seat then; "full":
    every seat is taken at some moment), or None. Reads only; callers hold the space
    lock."""
    overlapping = _live_overlapping(space, starts_at, ends_at, exclude_pk)
    if kind == Booking.Kind.WHOLE_ROOM:
        return _taken() if overlapping else None
    if any(b.kind == Booking.Kind.WHOLE_ROOM for b in overlapping):
        return _taken()
    if any(b.user_id == user.pk for b in overlapping):
        return BookingError(
            _("You already have a booking at this time."), code="own_overlap", field="start_time"
        )
    if peak_seats(overlapping, starts_at, ends_at) >= space.capacity:
        return BookingError(_("This time is fully booked."), code="full", field="start_time")
    return None


def refusals_for(
    space: Space, *, user, kind: str, starts_at, ends_at, now, exclude_pk=None
) -> list[BookingError]:
    """Every reason a booking of this time cannot be made in `space` (the opening rules
    of `spaces.rules` first, then capacity); empty when it can. Reads only."""
    refusals = rules.check_booking_time(space, starts_at=starts_at, ends_at=ends_at, now=now)
    if refusals:
        return refusals
    refusal = capacity_refusal(
        space, user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk
    )
    return [refusal] if refusal else []


def check_quest(user, quest) -> None:
    """Refuse ("quest") a booking for a quest whose team the user is not in and which
    they do not coordinate; nothing for no quest."""
    if quest is None:
        return
    from quests import permissions as quest_permissions

    if not (
        quest_permissions.is_team_member(user, quest)
        or quest_permissions.coordinates_quest(user, quest)
    ):
        raise BookingError(_("Only the quest's team can book for it."), code="quest", field="quest")


def check_kind(user, space: Space, kind: str) -> None:
    """Refuse a booking by someone who may not book `space` ("forbidden") or of an unknown
    kind ("kind")."""
    if not permissions.can_book(user, space):
        raise _forbidden(_("You cannot book this space."))
    if kind not in Booking.Kind.values:
        raise _wrong_kind()


def initial_status(space: Space, *, user, kind: str) -> str:
    """A new booking's status: a whole room in a space whose whole-room bookings need
    approval is pending, unless its booker may approve it; everything else is confirmed."""
    if (
        kind == Booking.Kind.WHOLE_ROOM
        and space.whole_room_needs_approval
        and not permissions.can_coordinate(user, space)
    ):
        return Booking.Status.PENDING
    return Booking.Status.CONFIRMED


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
    """Book `space` for `user` from `starts_at` to `ends_at` (aware; an end at the next
    day's 00:00 is 24:00), `kind` a Booking.Kind value, optionally for a `quest` whose
    team they are in. Under the space lock: the opening rules, then capacity. A
    whole-room booking that needs approval is pending and the space's coordinators are
    told. Returns the booking; raises BookingError (all the rules it breaks at once)."""
    now = now or timezone.now()
    check_kind(user, space, kind)
    check_quest(user, quest)
    try:
        with transaction.atomic():
            locked = lock_space(space.pk)
            refusals = refusals_for(
                locked, user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, now=now
            )
            if refusals:
                raise BookingError.of(refusals)
            status = initial_status(locked, user=user, kind=kind)
            booking = Booking.objects.create(
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
            if status == Booking.Status.PENDING:
                tell_coordinators(
                    booking,
                    "space.booking_requested",
                    actor=user,
                    key=f"space.booking_requested|{booking.pk}",
                )
            return booking
    except IntegrityError:
        # The exclusion constraint caught what the locked check let through.
        raise _taken() from None


def _status_after_change(space: Space, current: Booking, *, user, kind: str, moved: bool) -> str:
    """The status of `current` once changed to `kind` (and new times, `moved` when the
    time or kind differ). Approval (Space.whole_room_needs_approval) covers one kind and
    one time: a changed whole-room booking goes back to pending, unless the change is by
    someone who may approve it (permissions.can_coordinate), who keeps the status as it
    was; a seat needs no approval, so it is confirmed."""
    if not moved:
        return current.status
    if kind != Booking.Kind.WHOLE_ROOM or not space.whole_room_needs_approval:
        return Booking.Status.CONFIRMED
    if permissions.can_coordinate(user, space):
        return current.status
    return Booking.Status.PENDING


def booking_change(
    *,
    booking: Booking,
    user,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Move, resize, re-kind or rename a live booking: its booker and the space's
    coordinators (permissions.can_change_booking).

    `starts_at`/`ends_at` are aware datetimes, `kind` a Booking.Kind value (None keeps the
    booking's). The new time is checked like a new booking (the space's rules, capacity,
    overlap) under the space lock, the booking itself left out. A change of time or kind
    that needs approval sends the booking back to pending, approved or not, and tells the
    space's coordinators with the time before and after (issue 10 B1; the rule is in
    _status_after_change). Returns the changed booking; raises BookingError.
    """
    now = now or timezone.now()
    if not permissions.can_change_booking(user, booking):
        raise _forbidden(_("You cannot change this booking."))
    if kind is not None and kind not in Booking.Kind.values:
        raise _wrong_kind()
    try:
        with transaction.atomic():
            locked = lock_space(booking.space_id)
            # Only the booking row: the space is locked above, the booker's row is read.
            current = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("user")
                .get(pk=booking.pk)
            )
            if not current.is_live:
                raise BookingError(_("This booking was cancelled."), code="not_live")
            kind = kind or current.kind
            refusals = refusals_for(
                locked,
                user=current.user,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                now=now,
                exclude_pk=current.pk,
            )
            if refusals:
                raise BookingError.of(refusals)
            before = as_booked(current)
            moved = (kind, starts_at, ends_at) != (current.kind, current.starts_at, current.ends_at)
            status = _status_after_change(locked, current, user=user, kind=kind, moved=moved)
            asks_again = moved and status == Booking.Status.PENDING
            fields = ["kind", "starts_at", "ends_at", "purpose"]
            current.kind, current.starts_at, current.ends_at = kind, starts_at, ends_at
            current.purpose = purpose
            if status != current.status or asks_again:
                # A request asked again is a new request: the reminders count from now.
                current.status = status
                current.status_reason = ""
                current.status_changed_by = user
                current.status_changed_at = now
                fields += ["status", "status_reason", "status_changed_by", "status_changed_at"]
            current.space = locked
            current.save(update_fields=fields)
            if asks_again:
                tell_coordinators(
                    current,
                    "space.booking_request_changed",
                    actor=user,
                    key=f"space.booking_request_changed|{current.pk}|{now.isoformat()}",
                    extra={"before": before},
                )
            if moved and current.user_id != user.pk:
                # Someone else (a coordinator) moved it: the booker must hear of it.
                notify(
                    current.user,
                    "space.booking_changed_by_coordinator",
                    current,
                    context={
                        "space": locked.name,
                        "when": as_booked(current),
                        "before": before,
                        "purpose": current.purpose,
                    },
                    url=current.get_absolute_url(),
                    key=f"space.booking_changed_by_coordinator|{current.pk}|{now.isoformat()}",
                )
            return current
    except IntegrityError:
        raise _taken() from None


def booking_cancel(
    *, booking: Booking, user, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """Cancel a live booking: the booker until the cancellation deadline, the space's
    coordinators until it ends (the booker is then told why, with `reason`). Raises
    BookingError: "forbidden", "not_live" (cancelled meanwhile), or the rule's own
    refusal ("past", "cancel_deadline")."""
    now = now or timezone.now()
    coordinator = permissions.can_coordinate(user, booking.space)
    if booking.user_id != user.pk and not coordinator:
        raise _forbidden(_("You cannot cancel this booking."))
    with transaction.atomic():
        current = (
            # Only the booking row (of=self): locking the joined space row here too would
            # take the locks in the opposite order to booking_change (space, then
            # booking) and deadlock with a change made at the same moment.
            Booking.objects.select_for_update(of=("self",))
            .select_related("space", "user")
            .get(pk=booking.pk)
        )
        if not current.is_live:
            raise BookingError(_("This booking was already cancelled."), code="not_live")
        if not permissions.can_cancel(user, current, now=now):
            # The rule's own message: over, or past the booker's deadline.
            refusal = rules.check_cancellation(current, now=now)
            raise refusal or _forbidden(_("You cannot cancel this booking."))
        current.status = Booking.Status.CANCELLED
        current.status_reason = reason
        current.status_changed_by = user
        current.status_changed_at = now
        current.save(
            update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"]
        )
        tell_booker(current, "space.booking_cancelled_by_coordinator", reason=reason, actor=user)
    return current
