"""Queries of the placement pages and the exchange dashboard; each costs the same few
queries however many placements and applications there are."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from .. import permissions
from ..models import Application, Placement

_PLACEMENT_RELATED = ("host", "mentor", "room")


def visible_placements(user):
    """The placements `user` may see (`permissions.visible_placements_q`), newest period
    first, with host, mentor and room, and the number of accepted guests."""
    return (
        Placement.objects.filter(
            pk__in=Placement.objects.filter(permissions.visible_placements_q(user)).values("pk")
        )
        .select_related(*_PLACEMENT_RELATED)
        .annotate(
            guests=Count("applications", filter=Q(applications__status=Application.Status.ACCEPTED))
        )
        .order_by("-starts_on", "-id")
    )


def placement_by_pk(pk: int) -> Placement | None:
    """One placement with its host (and the host's regions), mentor and room; None if
    there is none."""
    return (
        Placement.objects.select_related(*_PLACEMENT_RELATED)
        .prefetch_related("host__regions")
        .filter(pk=pk)
        .first()
    )


def applications_shown(user, placement: Placement) -> list[Application]:
    """The applications to `placement` the user sees on its page: for the host side (those
    who manage it, the mentor) those the employer approved (`Application.HOST_STATUSES`),
    else only their own."""
    rows = Application.objects.filter(placement=placement).select_related(
        "applicant", "organisation"
    )
    if permissions.can_decide_as_host(user, placement):
        rows = rows.filter(Q(status__in=Application.HOST_STATUSES) | Q(applicant_id=user.pk))
    else:
        rows = rows.filter(applicant_id=user.pk)
    return list(rows.order_by("created_at", "id"))


def dashboard(user) -> dict:
    """The exchange dashboard of the municipalities `user` manages: `hosted`, their
    placements with the applications their employers approved (applicant and employer);
    `sent`, the applications of their staff to other municipalities' placements
    (placement and host)."""
    managed = permissions.managed_municipalities(user).values("pk")
    hosted = list(
        Placement.objects.filter(host__in=managed)
        .select_related(*_PLACEMENT_RELATED)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.filter(status__in=Application.HOST_STATUSES)
                .select_related("applicant", "organisation")
                .order_by("created_at", "id"),
            )
        )
        .order_by("-starts_on", "-id")[:100]
    )
    sent = list(
        Application.objects.filter(organisation__in=managed)
        .select_related("applicant", "organisation", "placement__host", "placement__mentor")
        .order_by("-created_at", "-id")[:200]
    )
    return {"hosted": hosted, "sent": sent}
