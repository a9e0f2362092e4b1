"""Who may do what with spaces and bookings.

- booking: members of the space's allowed organisations and of organisations in its
  allowed regions, team members of its allowed quests, its coordinators, site admins;
- coordinating (rules, approvals, cancelling others' bookings, reports): the space's
  coordinators, coordinators of the host's regions, site admins;
- names: who booked the whole room is shown to everyone who may book; who took a seat
  only to coordinators (others see counts);
- cancelling: the booker until the space's cancellation deadline, coordinators any time
  before the booking ends.
"""

from __future__ import annotations

from cocreation import permissions as roles

from . import rules
from .models import Booking, Space

_ATTR = "_space_access_cache"


def _access(user, space: Space) -> dict:
    cache = getattr(user, _ATTR, None)
    if cache is None:
        cache = {}
        if roles.is_authenticated(user):
            setattr(user, _ATTR, cache)
    if space.pk not in cache:
        cache[space.pk] = {
            "book": _compute_can_book(user, space),
            "coordinate": _compute_can_coordinate(user, space),
        }
    return cache[space.pk]


def _compute_can_coordinate(user, space: Space) -> bool:
    if not roles.is_authenticated(user):
        return False
    if roles.is_site_admin(user):
        return True
    if space.coordinators.filter(pk=user.pk).exists():
        return True
    return roles.is_coordinator(user) and roles.coordinates_organisation(user, space.host)


def _compute_can_book(user, space: Space) -> bool:
    if not roles.is_authenticated(user) or not space.is_active:
        return roles.is_site_admin(user)
    if _compute_can_coordinate(user, space):
        return True
    memberships = roles.active_memberships(user)
    org_ids = {m.organisation_id for m in memberships}
    if space.allowed_organisations.filter(pk__in=org_ids).exists():
        return True
    region_ids = {r.pk for m in memberships for r in m.organisation.regions.all()}
    if space.allowed_regions.filter(pk__in=region_ids).exists():
        return True
    return space.allowed_quests.filter(team__user=user).exists()


def can_book(user, space: Space) -> bool:
    return _access(user, space)["book"]


def can_coordinate(user, space: Space) -> bool:
    return _access(user, space)["coordinate"]


def can_view_space(user, space: Space) -> bool:
    return can_book(user, space) or can_coordinate(user, space)


def can_see_booker_names(user, space: Space, kind: str = Booking.Kind.WHOLE_ROOM) -> bool:
    """Whole-room bookers are named to everyone who may book; seats are counts, except
    for coordinators."""
    if kind == Booking.Kind.WHOLE_ROOM:
        return can_view_space(user, space)
    return can_coordinate(user, space)


def can_see_whole_room_names(user, space: Space) -> bool:
    return can_see_booker_names(user, space, Booking.Kind.WHOLE_ROOM)


def can_see_seat_names(user, space: Space) -> bool:
    return can_see_booker_names(user, space, Booking.Kind.SEAT)


def can_view_booking(user, booking: Booking) -> bool:
    return booking.user_id == getattr(user, "pk", None) or can_coordinate(user, booking.space)


def can_change_booking(user, booking: Booking) -> bool:
    return booking.is_live and (
        booking.user_id == getattr(user, "pk", None) or can_coordinate(user, booking.space)
    )


def can_cancel(user, booking: Booking, *, now=None) -> bool:
    """The booker until the cancellation deadline; coordinators until the booking ends."""
    if not booking.is_live or not roles.is_authenticated(user):
        return False
    refusal = rules.check_cancellation(booking, now=now)
    if can_coordinate(user, booking.space):
        return refusal is None or refusal.code == "cancel_deadline"
    return booking.user_id == user.pk and refusal is None


def visible_spaces(user):
    """Spaces the user may book or coordinate (a handful: checked one by one)."""
    spaces = Space.objects.select_related("host").prefetch_related("host__regions")
    return [space for space in spaces if can_view_space(user, space)]


def is_any_space_coordinator(user) -> bool:
    if not roles.is_authenticated(user):
        return False
    return (
        roles.is_site_admin(user) or user.coordinated_spaces.exists() or roles.is_coordinator(user)
    )
