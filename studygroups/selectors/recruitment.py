"""Reads for recruitment: the applications a coordinator decides on."""

from __future__ import annotations

from ..models import Cohort, Member


def applications_of(cohort: Cohort):
    """Everyone who applied to `cohort`, with their person, municipality and preferred
    fields, undecided first (by status), then in the order they applied."""
    return (
        Member.objects.filter(cohort=cohort)
        .select_related("user", "organisation")
        .prefetch_related("preferred_fields")
        .order_by("status", "applied_at")
    )


def member_of(cohort: Cohort, pk: int | None) -> Member | None:
    """The cohort's member (of any status) with id `pk`, or None (also for None)."""
    if pk is None:
        return None
    return Member.objects.filter(pk=pk, cohort=cohort).select_related("user").first()
