"""Queries for proposal pages; every one goes through the visibility rule."""

from django.db.models import Avg, Count, Prefetch, Q

from cocreation import permissions as roles

from .models import Proposal, ProposalMessage, Quest, Review, ReviewScore
from .permissions import sees_all_proposals, visible_proposals


def proposals_for_quest(user, quest: Quest):
    """The team side sees every submitted proposal; a company sees only its own."""
    queryset = visible_proposals(user).filter(quest=quest)
    if not sees_all_proposals(user, quest):
        company_ids = [c.pk for c in roles.companies_of(user)]
        queryset = queryset.filter(company_id__in=company_ids)
    return (
        queryset.select_related("company", "submitted_by")
        .annotate(
            review_count=Count(
                "reviews", filter=Q(reviews__conflict_of_interest=False), distinct=True
            ),
            average_score=Avg(
                "reviews__scores__score", filter=Q(reviews__conflict_of_interest=False)
            ),
        )
        .order_by("-submitted_at", "-created_at", "-id")
    )


def proposal_for_detail(user, quest_pk: int, pk: int):
    return (
        visible_proposals(user)
        .filter(quest_id=quest_pk, pk=pk)
        .select_related("quest__host", "company", "submitted_by", "decided_by")
        .prefetch_related(
            "attachments",
            "events__actor",
            Prefetch("messages", queryset=ProposalMessage.objects.select_related("author")),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer").prefetch_related(
                    Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
                ),
            ),
        )
        .first()
    )


def criterion_averages(proposal: Proposal, criteria) -> list[tuple]:
    """(criterion, average, count) over reviewers without a conflict of interest."""
    totals: dict[int, list[int]] = {}
    for review in proposal.reviews.all():
        if review.conflict_of_interest:
            continue
        for score in review.scores.all():
            totals.setdefault(score.criterion_id, []).append(score.score)
    rows = []
    for criterion in criteria:
        values = totals.get(criterion.pk, [])
        rows.append((criterion, sum(values) / len(values) if values else None, len(values)))
    return rows


def published_summaries(quest: Quest):
    """Summaries of adopted proposals the company agreed to and the team published."""
    return (
        Proposal.objects.filter(
            quest=quest,
            state=Proposal.State.ADOPTED,
            public_summary_published_at__isnull=False,
        )
        .select_related("company")
        .order_by("public_summary_published_at")
    )


def my_proposals(user):
    """A company member's proposals, across quests, with their states."""
    company_ids = [c.pk for c in roles.companies_of(user)]
    return (
        Proposal.objects.filter(company_id__in=company_ids)
        .select_related("quest__host", "company")
        .order_by("-updated_at", "-id")
    )
