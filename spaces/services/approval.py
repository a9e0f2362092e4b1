"""Coordinators decide on whole-room requests: approve or decline, on the version they saw."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..errors import BookingError
from ..models import Booking
from ..notifications import tell_booker


def booking_version(booking: Booking) -> str:
    """What a coordinator saw of a request: "kind|start|end|purpose digest" (Unix seconds,
    12 hex digits of SHA-256). The approve/decline forms carry it, and booking_decide()
    refuses a decision on another version, so an approval never covers a change made
    after the page was opened (issue 10 B1)."""
    digest = hashlib.sha256(booking.purpose.encode()).hexdigest()[:12]
    start, end = int(booking.starts_at.timestamp()), int(booking.ends_at.timestamp())
    return f"{booking.kind}|{start}|{end}|{digest}"


def booking_decide(
    *, booking: Booking, user, approve: bool, reason: str = "", version: str = ""
) -> Booking:
    """Coordinators approve or decline a pending whole-room booking; the booker is told.

    `version` is booking_version() of the request as the coordinator's page showed it
    (empty: not checked); a request changed since then is refused ("changed"), so that
    nobody approves a time they have not seen. A decline needs a `reason` ("reason",
    field "reason"). Raises BookingError ("forbidden", "not_pending" too)."""
    if not permissions.can_coordinate(user, booking.space):
        raise BookingError(_("Only the space's coordinators decide on bookings."), code="forbidden")
    if not approve and not reason.strip():
        raise BookingError(_("Give the reason for declining."), code="reason", field="reason")
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
            raise BookingError(_("This booking is not waiting for approval."), code="not_pending")
        if version and version != booking_version(current):
            raise BookingError(
                _(
                    "This booking was changed after you opened it. Check the changed booking "
                    "and decide again."
                ),
                code="changed",
            )
        current.status = Booking.Status.CONFIRMED if approve else Booking.Status.DECLINED
        current.status_reason = reason
        current.status_changed_by = user
        current.status_changed_at = timezone.now()
        current.save(
            update_fields=["status", "status_reason", "status_changed_by", "status_changed_at"]
        )
        tell_booker(
            current,
            "space.booking_approved" if approve else "space.booking_declined",
            reason=reason,
            actor=user,
        )
    return current


def booking_approve(*, booking: Booking, user) -> Booking:
    """`booking_decide` approving, without a version check."""
    return booking_decide(booking=booking, user=user, approve=True)


def booking_decline(*, booking: Booking, user, reason: str) -> Booking:
    """`booking_decide` declining with `reason`, without a version check."""
    return booking_decide(booking=booking, user=user, approve=False, reason=reason)
