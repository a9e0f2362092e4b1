from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cocreation import permissions

from .models import Membership, Organisation, Region


def organisations_for_directory() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(is_verified=True)
        .prefetch_related("regions")
        .order_by("kind", "name_kana", "name")
    )


def region_organisations(region: Region) -> list[Organisation]:
    return with_member_counts(
        region.organisations.filter(is_verified=True).order_by("local_government_code", "name")
    )


def with_member_counts(organisations) -> list[Organisation]:
    """The organisations with `member_count` (active members) set, in one query for the
    rows shown, rather than counting every organisation's members before paginating."""
    rows = list(organisations)
    counts = dict(
        Membership.objects.filter(organisation__in=rows, status=Membership.Status.ACTIVE)
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    for organisation in rows:
        organisation.member_count = counts.get(organisation.pk, 0)
    return rows


def region_coordinators(region: Region) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            role=Membership.Role.COORDINATOR,
            organisation__regions=region,
        )
        .select_related("user", "organisation")
        .order_by("organisation__local_government_code", "user__family_name_kana")
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        organisation.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("user__family_name_kana", "user__given_name_kana", "user__email")
    )


def pending_requests_for(user) -> QuerySet[Membership]:
    """Requests this user may decide, oldest first."""
    qs = Membership.objects.filter(status=Membership.Status.PENDING).select_related(
        "user", "organisation"
    )
    if permissions.is_site_admin(user):
        return qs.order_by("created_at")
    admin_of = [
        m.organisation_id
        for m in permissions.active_memberships(user)
        if m.role == Membership.Role.ADMIN
    ]
    coordinator_of = [
        m.organisation_id
        for m in permissions.active_memberships(user)
        if m.role == Membership.Role.COORDINATOR
    ]
    region_ids = permissions.coordinated_region_ids(user)
    condition = Q(organisation_id__in=admin_of + coordinator_of)
    if region_ids:
        condition |= Q(organisation__regions__in=region_ids)
    if permissions.is_coordinator(user):
        # Organisations without an active admin are answered by any coordinator.
        condition |= ~Exists(
            Membership.objects.filter(
                organisation=OuterRef("organisation"),
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
            )
        )
    if not (admin_of or coordinator_of or region_ids):
        return qs.none()
    return qs.filter(condition).exclude(user=user).distinct().order_by("created_at")


def pending_requests_for_count(user) -> int:
    if not (
        permissions.is_site_admin(user)
        or permissions.is_coordinator(user)
        or any(m.role == Membership.Role.ADMIN for m in permissions.active_memberships(user))
    ):
        return 0
    return pending_requests_for(user).count()


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "decided_by")
        .order_by("-created_at")
    )
