"""Booking a space. Every write locks the space row first, so checks and insert happen
in one queue per space; the exclusion constraint is the last guard behind the lock."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.notifications.services import notify
from cocreation.organisations.models import Membership

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
                _tell_coordinators(
                    booking, "space.booking_requested", actor=user,
                    key=f"space.booking_requested|{booking.pk}",
                )  # fmt: skip
            return booking
    except IntegrityError:
        # The exclusion constraint caught what the locked check let through.
        raise _refuse("taken", _("This time overlaps another booking."), "starts_at") from None


def booking_version(booking: Booking) -> str:
    """What a coordinator saw of a request: "kind|start|end|purpose digest" (Unix seconds,
    12 hex digits of SHA-256). The approve/decline forms carry it, and booking_decide()
    refuses a decision on another version, so an approval never covers a change made
    after the page was opened (issue 10 B1)."""
    digest = hashlib.sha256(booking.purpose.encode()).hexdigest()[:12]
    start, end = int(booking.starts_at.timestamp()), int(booking.ends_at.timestamp())
    return f"{booking.kind}|{start}|{end}|{digest}"


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
    *, booking: Booking, user, starts_at: dt.datetime, ends_at: dt.datetime, purpose: str,
    kind: str | None = None, now: dt.datetime | None = None,
) -> Booking:  # fmt: skip
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
        raise _refuse("forbidden", _("You cannot change this booking."))
    if kind is not None and kind not in Booking.Kind.values:
        raise _refuse("kind", _("Choose a seat or the whole room."), "kind")
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
                raise _refuse("not_live", _("This booking was cancelled."))
            kind = kind or current.kind
            refusals = _check(
                locked,
                user=current.user,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                now=now,
                exclude_pk=current.pk,
            )
            if refusals:
                raise BookingError(refusals)
            before = _Span(current.starts_at, current.ends_at)
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
                _tell_coordinators(
                    current, "space.booking_request_changed", actor=user,
                    key=f"space.booking_request_changed|{current.pk}|{now.isoformat()}",
                    extra={"before": before},
                )  # fmt: skip
            return current
    except IntegrityError:
        raise _refuse("taken", _("This time overlaps another booking."), "starts_at") from None


def _when(booking: Booking) -> str:
    return _span_text(booking.starts_at, booking.ends_at)


def _span_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return f"{rules.jdate(start.date())} {start:%H:%M}〜{rules.end_clock(end)}"


class _Span:
    """A time span (2020年12月18日(金) 13:30〜15:00) in each recipient's language."""

    def __init__(self, starts_at: dt.datetime, ends_at: dt.datetime):
        self.starts_at, self.ends_at = starts_at, ends_at

    def __str__(self) -> str:
        return _span_text(self.starts_at, self.ends_at)


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


def space_coordinators(space: Space) -> list:
    """The people told of the space's booking requests (issue 10 B2): those
    permissions.can_coordinate lets approve them, namely the space's named coordinators
    and the active coordinators (Membership role "coordinator") of the host organisation
    and of every organisation in the host's regions; active accounts only. Site admins,
    who may approve in every space, are told only when a space has nobody else, so that
    no request waits unseen. Returns a list of users ordered by id."""
    users = get_user_model().objects.filter(is_active=True)
    region_ids = list(space.host.regions.values_list("pk", flat=True))
    coordinating = Membership.objects.filter(
        Q(organisation_id=space.host_id) | Q(organisation__regions__in=region_ids),
        status=Membership.Status.ACTIVE,
        role=Membership.Role.COORDINATOR,
    ).values("user_id")
    people = list(
        users.filter(Q(pk__in=coordinating) | Q(pk__in=space.coordinators.values("pk")))
        .distinct()
        .order_by("pk")
    )
    if not people:
        people = list(users.filter(Q(is_staff=True) | Q(is_superuser=True)).order_by("pk"))
    return people


class _Booker:
    """The booker's name and organisations ("郡山 太郎（郡山市）") in each recipient's
    language."""

    def __init__(self, user):
        self.user = user

    def __str__(self) -> str:
        separator = "、" if translation.get_language() == "ja" else ", "
        names = separator.join(m.organisation.name for m in roles.active_memberships(self.user))
        if not names:
            return self.user.display_name
        return _("%(person)s (%(organisation)s)") % {
            "person": self.user.display_name,
            "organisation": names,
        }


def _request_context(booking: Booking) -> dict:
    return {
        "space": booking.space.name,
        "address": booking.space.location,
        "when": _When(booking),
        "booker": _Booker(booking.user),
        "purpose": booking.purpose,
    }


def _tell_coordinators(
    booking: Booking, kind: str, *, actor, key: str, extra: dict | None = None,
    url: str | None = None,
) -> None:  # fmt: skip
    """Tell each of space_coordinators() but the actor, in the portal and by mail;
    `key` + the recipient's id makes each notification once."""
    context = {**_request_context(booking), **(extra or {})}
    for person in space_coordinators(booking.space):
        if person.pk == getattr(actor, "pk", None):
            continue
        notify(
            person,
            kind,
            booking,
            context=context,
            url=url or booking.get_absolute_url(),
            key=f"{key}|{person.pk}"[:255],
        )


class _Dates:
    """One line per booking's time, for a series request."""

    def __init__(self, bookings: list[Booking]):
        self.bookings = bookings

    def __str__(self) -> str:
        return "\n".join(f"- {_when(booking)}" for booking in self.bookings)


def booking_cancel(*, booking: Booking, user, reason: str = "", now=None) -> Booking:
    """The booker until the cancellation deadline; coordinators until it ends (the booker
    is then told why)."""
    now = now or timezone.now()
    coordinator = permissions.can_coordinate(user, booking.space)
    if booking.user_id != user.pk and not coordinator:
        raise _refuse("forbidden", _("You cannot cancel this booking."))
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


def booking_decide(
    *, booking: Booking, user, approve: bool, reason: str = "", version: str = ""
) -> Booking:
    """Coordinators approve or decline a pending whole-room booking; the booker is told.

    `version` is booking_version() of the request as the coordinator's page showed it
    (empty: not checked); a request changed since then is refused ("changed"), so that
    nobody approves a time they have not seen. Raises BookingError."""
    if not permissions.can_coordinate(user, booking.space):
        raise _refuse("forbidden", _("Only the space's coordinators decide on bookings."))
    if not approve and not reason.strip():
        raise _refuse("reason", _("Give the reason for declining."), "reason")
    with transaction.atomic():
        current = (
            # Only the booking row (of=self): locking the joined space row here too would
            # take the locks in the opposite order to booking_change (space, then
            # booking) and deadlock with a change made at the same moment.
            Booking.objects.select_for_update(of=("self",))
            .select_related("space", "user")
            .get(pk=booking.pk)
        )
        if current.status != Booking.Status.PENDING:
            raise _refuse("not_pending", _("This booking is not waiting for approval."))
        if version and version != booking_version(current):
            raise _refuse(
                "changed",
                _("This booking was changed after you opened it. Check the changed booking "
                  "and decide again."),
            )  # fmt: skip
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
        starts_at, ends_at = _aware(day, start_time), rules.end_at(day, end_time)
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
        if status == Booking.Status.PENDING:
            # One message for the series, listing its dates, rather than one per date.
            _tell_coordinators(
                created[0], "space.booking_series_requested", actor=user,
                key=f"space.booking_series_requested|{series.pk}",
                extra={"first": _When(created[0]), "dates": _Dates(created)},
                url=reverse("spaces:pending"),
            )  # fmt: skip
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


# --- Rules changed over live bookings (issue 10 B3) ----------------------------------------


@dataclass
class RulesChange:
    """What `space_rules_change` did.

    `affected`: the live bookings the new rules leave outside them, each with why;
    `signature`: their digest, which the confirm step posts back; `saved`: whether the
    rules were written; `changed`: a confirmation was posted for another set (a booking
    made, moved or cancelled since the list was shown), so it was asked again;
    `cancelled` / `kept`: how many affected bookings were cancelled or kept.
    """

    affected: list[rules.AffectedBooking]
    signature: str
    saved: bool = False
    changed: bool = False
    cancelled: int = 0
    kept: int = 0


def rules_affected_bookings(
    *, space: Space, proposed: rules.RuleSet, now: dt.datetime | None = None
) -> list[rules.AffectedBooking]:
    """The live (pending or confirmed) bookings of `space` not over at `now` that fit its
    rules as loaded on `space` (prefetched: `lock_space`, `selectors.space_with_rules`)
    but not `proposed`, in time order. Reads only."""
    now = now or timezone.now()
    live = (
        Booking.objects.filter(space=space, status__in=Booking.LIVE_STATUSES, ends_at__gt=now)
        .select_related("user", "space")
        .order_by("starts_at", "pk")
    )
    return rules.newly_outside(space, proposed, live)


def space_rules_change(
    *,
    space: Space,
    user,
    proposed: rules.RuleSet,
    write,
    confirmed: str,
    keep: bool | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> RulesChange:
    """Save a change of the space's opening rules (period, holidays, hours, closures)
    without hiding a live booking silently.

    `proposed` is the rules as they will be (`forms.proposed_rules`); `write()` stores
    them (the rules page's forms) and is called under the space lock, only when saving.
    When the change leaves live bookings outside the rules, nothing is written unless
    `confirmed` equals the signature of that very set (the one the coordinator was shown;
    recomputed here under the lock, so a booking made meanwhile is asked about) and
    `keep` says what to do: False cancels each of them through `booking_cancel` (the
    booker told, with the new rules' reason and `note`), True keeps them (the week view
    shows them as exceptions). Rules, cancellations and notifications are one
    transaction. Raises BookingError: "forbidden" (not a coordinator), "choice" (the set
    was confirmed but no choice made; field "choice")."""
    now = now or timezone.now()
    if not permissions.can_coordinate(user, space):
        raise _refuse("forbidden", _("Only the space's coordinators change its rules."))
    with transaction.atomic():
        # The lock bookings take: no booking is made between this count and the write.
        locked = lock_space(space.pk)
        affected = rules_affected_bookings(space=locked, proposed=proposed, now=now)
        signature = rules.affected_signature(affected)
        if affected and confirmed != signature:
            return RulesChange(affected, signature, changed=bool(confirmed))
        if affected and keep is None:
            raise _refuse(
                "choice", _("Choose whether to cancel these bookings or keep them."), "choice"
            )
        write()
        change = RulesChange(affected, signature, saved=True)
        if keep:
            change.kept = len(affected)
            return change
        for item in affected:
            reason = f"{item.reason}\n{note}" if note else item.reason
            booking_cancel(booking=item.booking, user=user, reason=reason, now=now)
        change.cancelled = len(affected)
    return change
