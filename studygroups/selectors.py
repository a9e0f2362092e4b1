"""Queries study-group pages need."""

from itertools import groupby

from django.db.models import Q
from django.utils import timezone

from cocreation.core.text import matches_keywords, search_keywords

from .models import Member, Outcome, Session


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


def schedule_by_month(cohort, *, team: str, period: str, now) -> list[tuple]:
    """The schedule page's sessions as (first day of the month, sessions) pairs.
    team: "" (all), "cohort" (whole-cohort sessions only) or a team id, which also brings
    the whole cohort's sessions; period: "upcoming", "past" (newest first) or "all"."""
    sessions = cohort.sessions.select_related("team__field", "phase", "booking__space")
    if team == "cohort":
        sessions = sessions.filter(team__isnull=True)
    elif team:
        sessions = sessions.filter(Q(team_id=int(team)) | Q(team__isnull=True))
    if period == "upcoming":
        sessions = sessions.filter(ends_at__gte=now)
    elif period == "past":
        sessions = sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return [
        (month, list(rows))
        for month, rows in groupby(
            sessions, key=lambda s: timezone.localtime(s.starts_at).date().replace(day=1)
        )
    ]


def outcomes_matching(outcomes, query: str) -> list[Outcome]:
    """The archive's keyword search: those of `outcomes` (published outcomes with their
    team's field, cohort and organiser selected) whose proposal, summary, what was done,
    field, team, cohort title or organiser hold every keyword of `query`, compared in the
    one search form (`cocreation.core.text`). Searched in Python over the published
    outcomes, a bounded set, so no database extension is needed."""
    words = search_keywords(query)
    if not words:
        return list(outcomes)
    return [
        outcome
        for outcome in outcomes
        if matches_keywords(
            words,
            outcome.proposal_title,
            outcome.summary,
            outcome.implemented,
            outcome.team.field.name,
            outcome.team.name,
            outcome.team.cohort.title,
            outcome.team.cohort.programme.organiser.name,
        )
    ]
