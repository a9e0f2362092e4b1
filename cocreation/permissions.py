"""Who may do what: the one place every view, template and queryset asks.

Roles the portal knows:
- municipal staff: an active member of a municipality;
- company member: an active member of a company;
- coordinator: an active member with the coordinator role; a coordinator
  coordinates every region their organisation belongs to;
- organisation admin: an active member with the admin role of that organisation;
- site admin: Django staff (`is_staff`), who also use Django admin.

An active membership of a university or NPO/intermediary counts as neither
staff nor company; such users browse and take part where an app says so.

Memberships are read once per request and kept on the user object, so asking
several questions costs one query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import prefetch_related_objects

if TYPE_CHECKING:
    from cocreation.organisations.models import Membership, Organisation

_CACHE_ATTR = "_portal_active_memberships"


def active_memberships(user) -> list[Membership]:
    """The user's active memberships with their organisations and regions."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from cocreation.organisations.models import Membership

        cached = list(
            Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
            .select_related("organisation")
            .prefetch_related("organisation__regions")
            .order_by("created_at", "id")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    """Call after changing a user's memberships within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_site_admin(user) -> bool:
    return is_authenticated(user) and (user.is_staff or user.is_superuser)


def has_organisation(user) -> bool:
    return bool(active_memberships(user))


def is_municipal_staff(user) -> bool:
    return any(m.organisation.is_municipality for m in active_memberships(user))


def is_company_member(user) -> bool:
    from cocreation.organisations.models import Organisation

    return any(m.organisation.kind == Organisation.Kind.COMPANY for m in active_memberships(user))


def is_coordinator(user) -> bool:
    from cocreation.organisations.models import Membership

    return any(m.role == Membership.Role.COORDINATOR for m in active_memberships(user))


def municipalities_of(user) -> list[Organisation]:
    return [m.organisation for m in active_memberships(user) if m.organisation.is_municipality]


def companies_of(user) -> list[Organisation]:
    from cocreation.organisations.models import Organisation

    return [
        m.organisation
        for m in active_memberships(user)
        if m.organisation.kind == Organisation.Kind.COMPANY
    ]


def coordinated_region_ids(user) -> set[int]:
    from cocreation.organisations.models import Membership

    return {
        region.id
        for m in active_memberships(user)
        if m.role == Membership.Role.COORDINATOR
        for region in m.organisation.regions.all()
    }


def is_organisation_admin(user, organisation: Organisation) -> bool:
    from cocreation.organisations.models import Membership

    return any(
        m.organisation_id == organisation.id and m.role == Membership.Role.ADMIN
        for m in active_memberships(user)
    )


def is_member_of(user, organisation: Organisation) -> bool:
    return any(m.organisation_id == organisation.id for m in active_memberships(user))


def coordinates_organisation(user, organisation: Organisation, region_ids=None) -> bool:
    """A coordinator coordinates their own organisation and every member of their regions."""
    from cocreation.organisations.models import Membership

    if any(
        m.organisation_id == organisation.id and m.role == Membership.Role.COORDINATOR
        for m in active_memberships(user)
    ):
        return True
    mine = coordinated_region_ids(user)
    if not mine:
        return False
    if region_ids is None:
        # Read once per instance: a quest page asks this of the same host up to 7 times.
        prefetch_related_objects([organisation], "regions")
        region_ids = {r.id for r in organisation.regions.all()}
    return bool(mine & set(region_ids))


def coordinated_organisations(user):
    """As a queryset, the organisations coordinates_organisation() is true for: those the
    user coordinates and every member of the regions they coordinate (all of them for site
    admins, who act for every organisation)."""
    from django.db.models import Q

    from cocreation.organisations.models import Membership, Organisation

    if not is_authenticated(user):
        return Organisation.objects.none()
    if is_site_admin(user):
        return Organisation.objects.all()
    own = [
        m.organisation_id for m in active_memberships(user) if m.role == Membership.Role.COORDINATOR
    ]
    return Organisation.objects.filter(
        Q(pk__in=own) | Q(regions__in=coordinated_region_ids(user))
    ).distinct()


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Edit the organisation's members and answer its membership requests."""
    return (
        is_site_admin(user)
        or is_organisation_admin(user, organisation)
        or coordinates_organisation(user, organisation)
    )


def can_decide_membership(user, membership: Membership, *, has_admin: bool | None = None) -> bool:
    """Approve or decline a request: the organisation's admins, its coordinators, site admins.

    An organisation with no active admin yet (a company that just registered)
    is decided by any coordinator, so that nobody is left waiting forever.
    """
    from cocreation.organisations.models import Membership

    organisation = membership.organisation
    if membership.user_id == getattr(user, "id", None) and not is_site_admin(user):
        return False
    if can_manage_organisation(user, organisation):
        return True
    if is_coordinator(user):
        if has_admin is None:
            has_admin = organisation.memberships.filter(
                role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
            ).exists()
        return not has_admin
    return False


def can_answer_requests(user) -> bool:
    """Open the list of membership requests: site admins, coordinators and the admins of
    an organisation (each sees only the requests they may decide)."""
    from cocreation.organisations.models import Membership

    return (
        is_site_admin(user)
        or is_coordinator(user)
        or any(m.role == Membership.Role.ADMIN for m in active_memberships(user))
    )


def can_manage_network(user, region) -> bool:
    """Run a network or region (a Region): announce to its members, accept or decline
    municipalities asking to join, record its agreements and the fields its members
    lead. Site admins, and coordinators of that region."""
    return is_site_admin(user) or (
        is_authenticated(user) and region.id in coordinated_region_ids(user)
    )


def can_announce_to_region(user, region) -> bool:
    """Send an announcement to every member of `region`'s organisations: those who run
    the network (`can_manage_network`)."""
    return can_manage_network(user, region)


def can_ask_to_join_network(user, organisation: Organisation) -> bool:
    """Ask for `organisation` to join a network: its admins and coordinators (and site
    admins), for a municipality only (a network is of municipalities)."""
    return organisation.is_municipality and can_manage_organisation(user, organisation)


def can_view_members(user, organisation: Organisation) -> bool:
    """Names of an organisation's members are for its members, coordinators and admins."""
    return is_member_of(user, organisation) or can_manage_organisation(user, organisation)


def can_request_membership(user) -> bool:
    return is_authenticated(user)


def role_labels(user) -> list[str]:
    """Short labels for the header, e.g. ["郡山市", "コーディネーター"]."""
    from django.utils.translation import gettext

    labels: list[str] = []
    if is_site_admin(user):
        labels.append(gettext("Site admin"))
    if is_coordinator(user):
        labels.append(gettext("Coordinator"))
    if is_municipal_staff(user):
        labels.append(gettext("Municipal staff"))
    if is_company_member(user):
        labels.append(gettext("Company member"))
    return labels


__all__ = [
    "active_memberships",
    "can_announce_to_region",
    "can_answer_requests",
    "can_decide_membership",
    "can_manage_organisation",
    "can_request_membership",
    "can_view_members",
    "companies_of",
    "coordinated_organisations",
    "coordinated_region_ids",
    "coordinates_organisation",
    "forget_memberships",
    "has_organisation",
    "is_authenticated",
    "is_company_member",
    "is_coordinator",
    "is_member_of",
    "is_municipal_staff",
    "is_organisation_admin",
    "is_site_admin",
    "municipalities_of",
    "role_labels",
]
