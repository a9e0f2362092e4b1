"""Reads for the cohort pages: the list, one cohort with what its header needs, its
overview, and what starting and setting up a cohort look up."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from cocreation import permissions as roles
from cocreation.organisations.models import Organisation

from .. import permissions
from ..models import Cohort, Member, Outcome, Programme, team_role_rank


def previous_cohort(programme: Programme, fiscal_year: int) -> Cohort | None:
    """The programme's latest cohort before `fiscal_year`, or None."""
    return programme.cohorts.filter(fiscal_year__lt=fiscal_year).order_by("-fiscal_year").first()


def cohort_or_404(pk: int) -> Cohort:
    """The cohort with its programme, organiser, fields, phases, participants and
    coordinators (what every cohort page shows or asks); Http404 when there is none."""
    return get_object_or_404(
        Cohort.objects.select_related("programme__organiser").prefetch_related(
            "fields", "phases", "organisations", "coordinators"
        ),
        pk=pk,
    )


def cohorts_for(user) -> QuerySet[Cohort]:
    """The cohorts `user` may open (permissions.visible_cohorts), newest year first, for
    the list to page through (200 at national size)."""
    return (
        permissions.visible_cohorts(user).select_related("programme").order_by("-fiscal_year", "pk")
    )


def cohort_overview(cohort: Cohort, *, with_outcomes: bool) -> dict:
    """What the cohort's overview page lists: its teams with their members (leaders
    first), the representative and deputy, the number of support members, the outcomes
    (when `with_outcomes`), and the accepted members per municipality."""
    accepted = Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
    return {
        "teams": cohort.teams.select_related("field").prefetch_related(
            Prefetch(
                "members",
                queryset=Member.objects.select_related("user", "organisation").order_by(
                    team_role_rank(), "pk"
                ),
            )
        ),
        "representatives": Member.objects.filter(
            cohort=cohort,
            cohort_role__in=[Member.CohortRole.REPRESENTATIVE, Member.CohortRole.DEPUTY],
        ).select_related("user", "organisation"),
        "support_count": accepted.filter(cohort_role=Member.CohortRole.SUPPORT).count(),
        "outcomes": Outcome.objects.filter(team__cohort=cohort).select_related(
            "team__field", "quest"
        )
        if with_outcomes
        else [],
        "counts": accepted.values("organisation__name")
        .order_by("organisation__name_kana")
        .annotate(n=Count("pk")),
    }


def settings_organisers(user, cohort: Cohort) -> QuerySet[Organisation]:
    """The organisations whose municipalities the settings page offers as participants:
    those `user` coordinates (every one for a site admin) and the programme's organiser,
    as a queryset to use in a subquery."""
    coordinated = roles.coordinated_organisations(user).values("pk")
    return Organisation.objects.filter(Q(pk__in=coordinated) | Q(pk=cohort.programme.organiser_id))
