"""Reads for the reports page and a version's page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from ..models import Cohort, Submission, Team


def deliverable_rows(cohort: Cohort, *, team_id: int | None, all_teams: bool) -> list[tuple]:
    """The reports page: (deliverable, [(team, versions newest first)]) for each of the
    cohort's deliverables by deadline, over every team when `all_teams` (coordinators,
    reviewers), else over the team `team_id` only (none for None)."""
    teams: list[Team] = list(cohort.teams.select_related("field"))
    if not all_teams:
        teams = [t for t in teams if team_id is not None and t.pk == team_id]
    submissions = (
        Submission.objects.filter(deliverable__cohort=cohort, team__in=teams)
        .select_related("uploaded_by")
        .prefetch_related("comments")
    )
    by_key: dict = {}
    for submission in submissions:
        by_key.setdefault((submission.deliverable_id, submission.team_id), []).append(submission)
    return [
        (deliverable, [(team, by_key.get((deliverable.pk, team.pk), [])) for team in teams])
        for deliverable in cohort.deliverables.select_related("phase")
    ]


def deliverable_and_team_or_404(cohort: Cohort, deliverable_pk: int, team_pk: int) -> tuple:
    """(deliverable, team) of `cohort`; Http404 when either is not the cohort's."""
    return (
        get_object_or_404(cohort.deliverables, pk=deliverable_pk),
        get_object_or_404(cohort.teams, pk=team_pk),
    )


def submission_or_404(pk: int) -> Submission:
    """One version with its deliverable, team, field, cohort, programme and organiser;
    Http404 when there is none."""
    return get_object_or_404(
        Submission.objects.select_related(
            "deliverable", "team__cohort__programme__organiser", "team__field", "uploaded_by"
        ),
        pk=pk,
    )


def comments_on(submission: Submission):
    """The comments (講評) on one version, oldest first, with their authors."""
    return submission.comments.select_related("author")
