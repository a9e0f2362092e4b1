"""Queries study-group pages need."""

from django.db.models import Q
from django.utils import timezone

from .models import Member, Session


def upcoming_sessions_for(user, limit: int = 3) -> list[Session]:
    """The member's next sessions: their team's and their cohorts' whole-cohort ones."""
    places = list(
        Member.objects.filter(user=user, status=Member.Status.ACCEPTED).values_list(
            "cohort_id", "team_id"
        )
    )
    if not places:  # most people are in no cohort: one small query, no join
        return []
    cohort_ids = {cohort for cohort, _team in places}
    team_ids = {team for _cohort, team in places if team is not None}
    return list(
        Session.objects.filter(starts_at__gte=timezone.now())
        .filter(Q(team__isnull=True, cohort_id__in=cohort_ids) | Q(team_id__in=team_ids))
        .select_related("cohort", "team__field")
        .order_by("starts_at")[:limit]
    )
