"""Whole-room requests waiting for a coordinator, and who decides them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cocreation.organisations.models import Membership

from .. import permissions
from ..models import Booking, Space


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
        # pk IN (subquery) lists each person once: no DISTINCT needed.
        users.filter(Q(pk__in=coordinating) | Q(pk__in=space.coordinators.values("pk"))).order_by(
            "pk"
        )
    )
    if not people:
        people = list(users.filter(Q(is_staff=True) | Q(is_superuser=True)).order_by("pk"))
    return people


def _pending_in(spaces):
    return Booking.objects.filter(space__in=spaces, status=Booking.Status.PENDING)


# The pending list's order (ties by id). The partial index booking_pending_idx (space,
# starts_at, id) WHERE status = 'pending' holds only the requests waiting, so the list and
# the header's count read those of the coordinator's spaces and nothing else.
PENDING_ORDER = ("starts_at", "id")


def pending_for(user) -> QuerySet[Booking] | None:
    """The whole-room bookings waiting for `user`'s decision, in time order
    (PENDING_ORDER), with space, booker and quest loaded, as a queryset to page through;
    None when the user coordinates no space (the page is refused). Two queries before
    the page's own, however many spaces there are."""
    if not permissions.is_any_space_coordinator(user):
        return None
    spaces = permissions.coordinated_spaces(user)
    if not spaces.exists():
        return None
    return _pending_in(spaces).select_related("space", "user", "quest").order_by(*PENDING_ORDER)


def pending_approval_count(user) -> int:
    """How many whole-room bookings wait for `user`'s decision, for the header on every
    page: one query for someone who coordinates no space, two at most otherwise, however
    many spaces there are (`permissions.coordinated_spaces_q`)."""
    if not permissions.is_any_space_coordinator(user):
        return 0
    return _pending_in(permissions.coordinated_spaces(user)).count()
