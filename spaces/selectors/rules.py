"""What a change of a space's opening rules would leave outside them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .. import rules
from ..models import Booking, Space


def affected_bookings(
    *, space: Space, proposed: rules.RuleSet, now: dt.datetime | None = None
) -> list[rules.AffectedBooking]:
    """The live (pending or confirmed) bookings of `space` not over at `now` that fit its
    rules as loaded on `space` (prefetched: `services.bookings.lock_space`,
    `selectors.availability.space_with_rules`) but not `proposed`, in time order, each
    with the new rules' reason. One query."""
    now = now or timezone.now()
    live = (
        Booking.objects.filter(space=space, status__in=Booking.LIVE_STATUSES, ends_at__gt=now)
        .select_related("user", "space")
        .order_by("starts_at", "pk")
    )
    return rules.newly_outside(space, proposed, live)
