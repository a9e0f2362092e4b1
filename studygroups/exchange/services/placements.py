"""Placements: a municipality offers one, and closes it to applications."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.organisations.models import Membership, Organisation
from spaces.models import Space

from .. import permissions
from ..errors import ExchangeError
from ..models import Placement


def placement_offer(
    *,
    user,
    host: Organisation,
    department: str,
    title: str,
    work: str,
    starts_on: dt.date,
    ends_on: dt.date,
    days_per_week: int,
    mode: str,
    room: Space | None,
    mentor,
) -> Placement:
    """`user`, who manages the municipality `host`, offers a placement in its
    `department`: `work` the guest will do, from `starts_on` to `ends_on` (inclusive),
    `days_per_week` (1–5), `mode` a Placement.Mode value, `room` a space run by the host
    (needed unless wholly online), `mentor` an active member of the host.
    Raises ExchangeError naming the field refused."""
    if not host.is_municipality or not permissions.can_manage(user, host):
        raise ExchangeError(
            _("Only the municipality's admins and coordinators offer its placements."),
            field="host",
            code="forbidden",
        )
    if ends_on < starts_on:
        raise ExchangeError(_("The last day cannot be before the first day."), field="ends_on")
    if not 1 <= days_per_week <= 5:
        raise ExchangeError(_("Choose 1 to 5 days a week."), field="days_per_week")
    if mode not in Placement.Mode.values:
        raise ExchangeError(_("Choose a way of working."), field="mode")
    if mode == Placement.Mode.ONLINE:
        room = None
    elif room is None:
        raise ExchangeError(_("Choose the room for the on-site days."), field="room")
    elif room.host_id != host.pk:
        raise ExchangeError(_("Choose a room run by the host municipality."), field="room")
    if not Membership.objects.filter(
        user=mentor, organisation=host, status=Membership.Status.ACTIVE
    ).exists():
        raise ExchangeError(
            _("The mentor must be an active member of the host municipality."), field="mentor"
        )
    with transaction.atomic():
        return Placement.objects.create(
            host=host,
            department=department,
            title=title,
            work=work,
            starts_on=starts_on,
            ends_on=ends_on,
            days_per_week=days_per_week,
            mode=mode,
            room=room,
            mentor=mentor,
            offered_by=user if roles.is_authenticated(user) else None,
        )


def placement_close(*, placement: Placement, user) -> Placement:
    """Those who manage the host close the placement to new applications (those already
    made are still decided). Raises ExchangeError for anyone else."""
    if not permissions.can_manage(user, placement.host):
        raise ExchangeError(
            _("Only the host's admins and coordinators close a placement."), code="forbidden"
        )
    with transaction.atomic():
        locked = Placement.objects.select_for_update().get(pk=placement.pk)
        locked.status = Placement.Status.CLOSED
        locked.save(update_fields=["status"])
    return locked
