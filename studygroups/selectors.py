"""Queries study-group pages need."""

from django.db.models import Q
from django.utils import timezone

from .models import Member, Session


def upcoming_sessions_for(user, limit: int = 3) -> list[Session]:
    """The member's next sessions: their team's and their cohorts' whole-cohort ones."""
    members = Member.objects.filter(user=user, status=Member.Status.ACCEPTED)
    return list(
        Session.objects.filter(starts_at__gte=timezone.now())
        .filter(Q(team__isnull=True, cohort__members__in=members) | Q(team__members__in=members))
        .select_related("cohort", "team__field")
        .distinct()
        .order_by("starts_at")[:limit]
    )
