"""Reads for outcomes: a team's outcome, and the public archive of published outcomes,
filtered and searched in the database."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from cocreation.core.search import keyword_search

from ..models import Cohort, Outcome, Team


def team_or_404(cohort: Cohort, pk: int) -> Team:
    """The cohort's team `pk` with its field; Http404 when it is not the cohort's."""
    return get_object_or_404(cohort.teams.select_related("field"), pk=pk)


def outcome_of(team: Team) -> Outcome | None:
    """The team's outcome with the quest started from it, or None."""
    return Outcome.objects.filter(team=team).select_related("quest").first()


def published_outcomes():
    """Every outcome of a published cohort."""
    return Outcome.objects.filter(team__cohort__is_published=True)


def archive_choices() -> tuple[list[tuple[int, str]], list[int]]:
    """The archive's filters: the organisers (id, name) by name, and the fiscal years,
    newest first, that have published outcomes."""
    published = published_outcomes()
    organisers = (
        published.values_list(
            "team__cohort__programme__organiser", "team__cohort__programme__organiser__name"
        )
        .distinct()
        .order_by("team__cohort__programme__organiser__name")
    )
    years = (
        published.values_list("team__cohort__fiscal_year", flat=True)
        .distinct()
        .order_by("-team__cohort__fiscal_year")
    )
    return list(organisers), list(years)


def archive(*, organiser_id: int | None = None, fiscal_year: int | None = None, query: str = ""):
    """The published outcomes of the organiser `organiser_id` and of `fiscal_year` (None:
    any), holding every keyword of `query` (`cocreation.core.text.search_keywords`) in
    their proposal, summary, what was done, field, team, cohort title or organiser: each
    keyword is looked for in the stored, normalised `Outcome.search_text`, through its
    bigram index (`cocreation.core.search.keyword_search`). Newest year first, then by
    programme and team; with keywords, the best matches first. A queryset."""
    outcomes = published_outcomes().select_related(
        "team__field", "team__cohort__programme__organiser", "quest"
    )
    if organiser_id is not None:
        outcomes = outcomes.filter(team__cohort__programme__organiser_id=organiser_id)
    if fiscal_year is not None:
        outcomes = outcomes.filter(team__cohort__fiscal_year=fiscal_year)
    outcomes = outcomes.order_by(
        "-team__cohort__fiscal_year", "team__cohort__programme__name", "team__number"
    )
    return keyword_search(outcomes, query)
