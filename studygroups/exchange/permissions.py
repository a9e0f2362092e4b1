"""Who may do what in the staff exchange.

- offering a placement, closing it, publishing reports: those who manage the host
  (`cocreation.permissions.can_manage_organisation`: its admins, its coordinators and the
  coordinators of its regions, site admins);
- seeing a placement: municipal staff of the host and of the municipalities sharing a
  network (Region) with it, those who manage the host or one of those municipalities,
  site admins;
- applying: municipal staff of a municipality other than the host that shares a network
  with it, while the placement takes applications;
- approving a person's taking part: those who manage the applicant's employer (never the
  applicant themselves); accepting or declining: those who manage the host, and the
  mentor;
- an application's page: the applicant and those who manage the employer; the host side
  (those who manage the host, the mentor) once the employer approved; the weekly log
  and the reports: the guest and the mentor write them once the host accepted;
- published reports: everyone, signed in or not.

`can_view_placement` has a queryset twin, `visible_placements_q`.
"""

from __future__ import annotations

from django.db.models import Q

from cocreation import permissions as roles
from cocreation.organisations.models import Membership, Organisation, Region

from .models import Application, Placement

_NOTHING = Q(pk__in=[])
MANAGING_ROLES = (Membership.Role.ADMIN, Membership.Role.COORDINATOR)


def managed_municipalities(user):
    """The municipalities `user` manages, as a queryset: those where they are admin or
    coordinator, every municipality of the regions they coordinate; all for site admins."""
    if not roles.is_authenticated(user):
        return Organisation.objects.none()
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if roles.is_site_admin(user):
        return municipalities
    admin_of = [
        m.organisation_id for m in roles.active_memberships(user) if m.role == Membership.Role.ADMIN
    ]
    return municipalities.filter(
        Q(pk__in=admin_of) | Q(pk__in=roles.coordinated_organisations(user).values("pk"))
    )


def own_managed_municipality(user) -> Organisation | None:
    """The municipality `user` works for and manages (admin or coordinator there), the
    first of their memberships; None when there is none. The placement form starts on
    it, not on the first of a region's municipalities by reading."""
    for membership in roles.active_memberships(user):
        if membership.role in MANAGING_ROLES and membership.organisation.is_municipality:
            return membership.organisation
    return None


def can_manage(user, organisation: Organisation) -> bool:
    """Admins and coordinators of `organisation`, coordinators of its regions, site admins."""
    return roles.is_authenticated(user) and roles.can_manage_organisation(user, organisation)


def can_offer(user) -> bool:
    """Whoever manages at least one municipality."""
    return roles.is_authenticated(user) and managed_municipalities(user).exists()


def network_partner_ids(user) -> set[int]:
    """Ids of the municipalities sharing a network with one of the user's municipalities,
    their own included."""
    region_ids = {r.pk for org in roles.municipalities_of(user) for r in org.regions.all()}
    own = {org.pk for org in roles.municipalities_of(user)}
    if not region_ids:
        return own
    partners = set(
        Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, regions__in=region_ids
        ).values_list("pk", flat=True)
    )
    return own | partners


def visible_placements_q(user) -> Q:
    """The placements `can_view_placement` is true for, as a filter on Placement."""
    if not roles.is_authenticated(user):
        return _NOTHING
    if roles.is_site_admin(user):
        return Q()
    managed = managed_municipalities(user)
    rule = Q(host__in=managed.values("pk")) | Q(
        host__regions__in=Region.objects.filter(organisations__in=managed.values("pk")).values("pk")
    )
    region_ids = {r.pk for org in roles.municipalities_of(user) for r in org.regions.all()}
    own = [org.pk for org in roles.municipalities_of(user)]
    if own:
        rule |= Q(host_id__in=own)
    if region_ids:
        rule |= Q(host__regions__in=region_ids)
    return rule


def can_view_placement(user, placement: Placement) -> bool:
    """Municipal staff of the host and of its network partners, those who manage the host,
    site admins."""
    if not roles.is_authenticated(user):
        return False
    if roles.is_site_admin(user) or can_manage(user, placement.host):
        return True
    host_regions = {r.pk for r in placement.host.regions.all()}
    for org in roles.municipalities_of(user):
        if org.pk == placement.host_id or host_regions & {r.pk for r in org.regions.all()}:
            return True
    return managed_municipalities(user).filter(regions__in=host_regions).exists()


def applicable_employers(user, placement: Placement) -> list[Organisation]:
    """The user's municipalities they may apply for: other than the host, sharing a
    network with it."""
    host_regions = {r.pk for r in placement.host.regions.all()}
    return [
        org
        for org in roles.municipalities_of(user)
        if org.pk != placement.host_id and host_regions & {r.pk for r in org.regions.all()}
    ]


def can_apply(user, placement: Placement) -> bool:
    """Staff of a network partner of the host, while the placement takes applications."""
    return (
        roles.is_authenticated(user)
        and placement.status == Placement.Status.OPEN
        and bool(applicable_employers(user, placement))
    )


def can_decide_as_employer(user, application: Application) -> bool:
    """Those who manage the applicant's employer, never the applicant themselves."""
    if application.applicant_id == getattr(user, "pk", None) and not roles.is_site_admin(user):
        return False
    return can_manage(user, application.organisation)


def can_decide_as_host(user, placement: Placement) -> bool:
    """Those who manage the host, and the placement's mentor."""
    return roles.is_authenticated(user) and (
        placement.mentor_id == user.pk or can_manage(user, placement.host)
    )


def can_view_application(user, application: Application) -> bool:
    """The applicant, the mentor, those who manage the host or the employer."""
    if not roles.is_authenticated(user):
        return False
    return (
        application.applicant_id == user.pk
        or can_manage(user, application.organisation)
        or (
            application.status in Application.HOST_STATUSES
            and can_decide_as_host(user, application.placement)
        )
    )


def is_participant(user, application: Application) -> bool:
    """The guest and the mentor of an accepted application: they keep the log and write
    the reports."""
    return (
        roles.is_authenticated(user)
        and application.is_accepted
        and user.pk in (application.applicant_id, application.placement.mentor_id)
    )


def can_publish_reports(user, placement: Placement) -> bool:
    """Those who manage the host."""
    return can_manage(user, placement.host)


def can_see_dashboard(user) -> bool:
    """Whoever manages a municipality (as host or as sending employer)."""
    return can_offer(user)
