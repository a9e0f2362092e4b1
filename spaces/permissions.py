"""Who may do what with spaces and bookings.

- booking: members of the space's allowed organisations and of organisations in its
  allowed regions, team members of its allowed quests, its coordinators, site admins;
- coordinating (rules, approvals, cancelling others' bookings, reports): the space's
  coordinators, coordinators of the host's regions, site admins;
- names: who booked the whole room is shown to everyone who may book; who took a seat
  only to coordinators (others see counts);
- cancelling: the booker until the space's cancellation deadline, coordinators any time
  before the booking ends.

`can_view_space` and `can_coordinate` have queryset twins, `visible_spaces_q` and
`coordinated_spaces_q`, so that a list (the space list, the header's count of requests
to approve, a study group's choice of rooms) never shows what the detail page refuses,
in a fixed number of queries however many spaces there are. Each many-valued condition
is an EXISTS on its relation's own table, so a space is one row whatever it matches:
joined and OR-ed, the coordinator's rule multiplied 1,000 spaces into 25,000 rows
before the de-duplication (11 ms at national size, bench/README.md).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from cocreation import permissions as roles
from cocreation.organisations.models import Membership, Organisation
from quests.models import TeamMember

from . import rules
from .models import Booking, Space

_NOTHING = Q(pk__in=[])

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
    """Members of the space's allowed organisations and regions, team members of its
    allowed quests and its coordinators, while the space is open for booking; site
    admins always."""
    return _access(user, space)["book"]


def can_coordinate(user, space: Space) -> bool:
    """The space's named coordinators, coordinators of its host and of the host's
    regions, site admins."""
    return _access(user, space)["coordinate"]


def can_view_space(user, space: Space) -> bool:
    """Who may book or coordinate the space (`visible_spaces_q` is its queryset twin)."""
    return can_book(user, space) or can_coordinate(user, space)


def _related(relation, **conditions) -> Q:
    """An EXISTS on the through table of Space's many-to-many `relation` (e.g.
    `Space.coordinators`): rows of this space matching `conditions`."""
    return Q(Exists(relation.through.objects.filter(space_id=OuterRef("pk"), **conditions)))


def coordinated_spaces_q(user) -> Q:
    """The spaces `can_coordinate` is true for, as a filter on Space: every space for a
    site admin; else the spaces naming the user a coordinator, those hosted by an
    organisation they coordinate (Membership role "coordinator"), and those whose host
    belongs to a region they coordinate. Nothing for anonymous or inactive users. Each
    space at most once (EXISTS conditions, no joins)."""
    if not roles.is_authenticated(user):
        return _NOTHING
    if roles.is_site_admin(user):
        return Q()
    rule = _related(Space.coordinators, user_id=user.pk)
    coordinated = [
        m.organisation_id
        for m in roles.active_memberships(user)
        if m.role == Membership.Role.COORDINATOR
    ]
    if coordinated:
        rule |= Q(host_id__in=coordinated)
    region_ids = roles.coordinated_region_ids(user)
    if region_ids:
        rule |= Q(
            Exists(
                Organisation.regions.through.objects.filter(
                    organisation_id=OuterRef("host_id"), region_id__in=region_ids
                )
            )
        )
    return rule


def bookable_spaces_q(user) -> Q:
    """The spaces `can_book` is true for, as a filter on Space: every space for a site
    admin; else, among the spaces open for booking, those they coordinate and those
    allowing one of their organisations, one of their organisations' regions or a quest
    whose team they are in. Each space at most once."""
    if not roles.is_authenticated(user):
        return _NOTHING
    if roles.is_site_admin(user):
        return Q()
    memberships = roles.active_memberships(user)
    org_ids = {m.organisation_id for m in memberships}
    region_ids = {r.pk for m in memberships for r in m.organisation.regions.all()}
    rule = coordinated_spaces_q(user) | _related(
        Space.allowed_quests,
        quest_id__in=TeamMember.objects.filter(user_id=user.pk).values("quest_id"),
    )
    if org_ids:
        rule |= _related(Space.allowed_organisations, organisation_id__in=org_ids)
    if region_ids:
        rule |= _related(Space.allowed_regions, region_id__in=region_ids)
    return Q(is_active=True) & rule


def visible_spaces_q(user) -> Q:
    """The spaces `can_view_space` is true for (may book or coordinate), as a filter on
    Space; the queryset twin of `can_view_space`, like `quests.permissions.
    visible_quests_q`. Each space at most once."""
    return bookable_spaces_q(user) | coordinated_spaces_q(user)


def can_see_booker_names(user, space: Space, kind: str = Booking.Kind.WHOLE_ROOM) -> bool:
    """Whole-room bookers are named to everyone who may book; seats are counts, except
    for coordinators."""
    if kind == Booking.Kind.WHOLE_ROOM:
        return can_view_space(user, space)
    return can_coordinate(user, space)


def can_see_whole_room_names(user, space: Space) -> bool:
    """Whether the week view names whole-room bookers to the user."""
    return can_see_booker_names(user, space, Booking.Kind.WHOLE_ROOM)


def can_see_seat_names(user, space: Space) -> bool:
    """Whether the week view names seat bookers to the user (coordinators only)."""
    return can_see_booker_names(user, space, Booking.Kind.SEAT)


def can_view_booking(user, booking: Booking) -> bool:
    """The booker and the space's coordinators."""
    return booking.user_id == getattr(user, "pk", None) or can_coordinate(user, booking.space)


def can_change_booking(user, booking: Booking) -> bool:
    """The booker and the space's coordinators, while the booking is live."""
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
    """The spaces the user may book or coordinate, as a queryset in the spaces' order
    (name), with the host selected (`visible_spaces_q`)."""
    return Space.objects.filter(visible_spaces_q(user)).select_related("host")


def bookable_spaces(user):
    """The spaces the user may book, as a queryset in the spaces' order (`bookable_spaces_q`)."""
    return Space.objects.filter(bookable_spaces_q(user)).select_related("host")


def coordinated_spaces(user):
    """The spaces the user coordinates, as a queryset in the spaces' order
    (`coordinated_spaces_q`)."""
    return Space.objects.filter(coordinated_spaces_q(user))


def is_any_space_coordinator(user) -> bool:
    """Whether the user may coordinate some space (one query at most): site admins,
    coordinators, and anyone named a space's coordinator."""
    if not roles.is_authenticated(user):
        return False
    return (
        roles.is_site_admin(user) or user.coordinated_spaces.exists() or roles.is_coordinator(user)
    )
