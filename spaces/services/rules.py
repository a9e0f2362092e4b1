"""A change of a space's opening rules (period, holidays, hours, closures) that never hides
a live booking silently (issue 10 B3): the bookings it leaves outside the rules are
listed first, and the coordinator cancels them (each booker told why) or keeps them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, rules
from ..errors import BookingError
from ..models import Closure, OpeningHours, Space
from ..selectors.rules import affected_bookings
from . import bookings

# The space's own fields a coordinator edits on the rules page (forms.rules.SpaceRulesForm).
RULE_FIELDS = frozenset(
    {
        "description",
        "photo",
        "photo_alt",
        "capacity",
        "opens_on",
        "closes_on",
        "closed_on_public_holidays",
        "slot_minutes",
        "min_booking_minutes",
        "max_booking_minutes",
        "book_ahead_days",
        "cancel_hours_before",
        "whole_room_needs_approval",
        "is_active",
    }
)


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


def space_rules_weigh(
    *, space_id: int, proposed: rules.RuleSet, now: dt.datetime | None = None
) -> list[rules.AffectedBooking]:
    """The live bookings `proposed` would leave outside the rules of space `space_id`,
    weighed under the space lock, which stays taken until the caller's transaction ends
    (the admin's change view is one), so no booking slips in between this check and the
    save. Call inside `transaction.atomic`."""
    current = bookings.lock_space(space_id)
    return affected_bookings(space=current, proposed=proposed, now=now)


def _write_rows(model, space: Space, rows: list[dict]) -> None:
    """Make the space's rows of `model` exactly `rows`: those with an "id" are updated,
    the others created, the saved rows not listed deleted."""
    kept = [row["id"] for row in rows if row.get("id")]
    model.objects.filter(space=space).exclude(pk__in=kept).delete()
    for row in rows:
        values = {name: value for name, value in row.items() if name != "id"}
        if row.get("id"):
            model.objects.filter(space=space, pk=row["id"]).update(**values)
        else:
            model.objects.create(space=space, **values)


def _write(space: Space, *, values: dict, hours: list[dict], closures: list[dict]) -> None:
    for name, value in values.items():
        # As a model form saves it: a new photo is stored, False clears it.
        Space._meta.get_field(name).save_form_data(space, value)
    if values:
        space.save(update_fields=list(values))
    _write_rows(OpeningHours, space, hours)
    _write_rows(Closure, space, closures)


def space_rules_change(
    *,
    space: Space,
    user,
    values: dict,
    hours: list[dict],
    closures: list[dict],
    confirmed: str,
    keep: bool | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> RulesChange:
    """Save a change of the space's rules without hiding a live booking silently.

    The rules as they will be, in plain values: `values` the space's own fields by name
    (RULE_FIELDS; a photo as an uploaded file, False to remove it), `hours` every opening
    range as {"id": saved row or None, "weekday", "opens_at", "closes_at"} and
    `closures` every closure as {"id", "starts_on", "ends_on", "reason", "every_year"};
    saved rows not listed are deleted. Under the space lock, the live bookings the new
    rules leave outside them are weighed (`selectors.rules.affected_bookings`): when
    there are some, nothing is written unless `confirmed` equals the signature of that
    very set (the one the coordinator was shown; a booking made meanwhile is asked about)
    and `keep` says what to do: False cancels each of them through
    `bookings.booking_cancel` (the booker told, with the new rules' reason and `note`),
    True keeps them (the week view shows them as exceptions). Rules, cancellations and
    notifications are one transaction. Raises BookingError: "forbidden" (not a
    coordinator), "choice" (the set was confirmed but no choice made; field "choice")."""
    now = now or timezone.now()
    if not permissions.can_coordinate(user, space):
        raise BookingError(_("Only the space's coordinators change its rules."), code="forbidden")
    unknown = set(values) - RULE_FIELDS
    if unknown:
        raise ValueError(f"Not a rule of a space: {sorted(unknown)}")
    with transaction.atomic():
        # The lock bookings take: no booking is made between this count and the write.
        locked = bookings.lock_space(space.pk)
        proposed = rules.RuleSet.from_rows(locked, values=values, hours=hours, closures=closures)
        affected = affected_bookings(space=locked, proposed=proposed, now=now)
        signature = rules.affected_signature(affected)
        if affected and confirmed != signature:
            return RulesChange(affected, signature, changed=bool(confirmed))
        if affected and keep is None:
            raise BookingError(
                _("Choose whether to cancel these bookings or keep them."),
                code="choice",
                field="choice",
            )
        _write(locked, values=values, hours=hours, closures=closures)
        change = RulesChange(affected, signature, saved=True)
        if keep:
            change.kept = len(affected)
            return change
        for item in affected:
            reason = f"{item.reason}\n{note}" if note else item.reason
            bookings.booking_cancel(booking=item.booking, user=user, reason=reason, now=now)
        change.cancelled = len(affected)
    return change


def space_allow_organisation(*, space: Space, organisation) -> bool:
    """Let the staff of `organisation` book `space` (`Space.allowed_organisations`), e.g.
    the employer of a guest on a staff-exchange placement with on-site days in the host's
    room (issue 14). Returns False when it was allowed already. Idempotent."""
    if space.allowed_organisations.filter(pk=organisation.pk).exists():
        return False
    space.allowed_organisations.add(organisation)
    return True
