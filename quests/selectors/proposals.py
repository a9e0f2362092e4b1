"""Proposals as the pages read them; every query goes through the visibility rule
(permissions.visible_proposals) or is limited to the person's own companies."""

from __future__ import annotations

from django.db.models import Avg, Count, DecimalField, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast, NullIf
from django.http import Http404

from cocreation import permissions as roles
from cocreation.core.search import keyword_search

from .. import permissions
from ..models import Proposal, ProposalAttachment, ProposalMessage, Quest, Review, ReviewScore


def proposals_for_quest(user, quest: Quest, query: str = "") -> QuerySet:
    """The team side sees every submitted proposal; a company sees only its own. Each row
    carries `review_count`, `average_score` and `weighted_points` (the criteria's points
    earned, see selectors.selection.weighted_total), over reviews without a conflict of
    interest.

    With `query` (a search box's text), only the proposals holding every keyword in what
    the company wrote (`Proposal.SEARCH_FIELDS`, the confidential part included: these
    rows are the ones the viewer may open, and whoever may open one reads it), best
    matches first (`cocreation.core.search.keyword_search`). The visibility rule narrows
    first, so a keyword never finds a proposal the viewer may not see."""
    queryset = permissions.visible_proposals(user).filter(quest=quest)
    if not permissions.sees_all_proposals(user, quest):
        company_ids = [c.pk for c in roles.companies_of(user)]
        queryset = queryset.filter(company_id__in=company_ids)
    queryset = (
        queryset.select_related("company", "submitted_by")
        .annotate(
            review_count=Count(
                "reviews", filter=Q(reviews__conflict_of_interest=False), distinct=True
            ),
            average_score=Avg(
                "reviews__scores__score", filter=Q(reviews__conflict_of_interest=False)
            ),
            # The weighted total (selectors.selection.weighted_total) over the same rows:
            # Σ points × score ÷ 5, averaged over the reviewers.
            weighted_points=Cast(
                Sum(
                    F("reviews__scores__score") * F("reviews__scores__criterion__weight"),
                    filter=Q(reviews__conflict_of_interest=False),
                ),
                DecimalField(max_digits=12, decimal_places=2),
            )
            / NullIf(
                Count("reviews", filter=Q(reviews__conflict_of_interest=False), distinct=True) * 5,
                0,
            ),
        )
        .order_by("-submitted_at", "-created_at", "-id")
    )
    return keyword_search(queryset, query)


def proposal_for_detail(user, quest_pk: int, pk: int) -> Proposal | None:
    """Proposal `pk` of quest `quest_pk` if the user may see it, with its attachments,
    history, thread and reviews; None otherwise."""
    return (
        permissions.visible_proposals(user)
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


def visible_proposal_or_404(user, quest_pk: int, pk: int) -> Proposal:
    """`proposal_for_detail`, or Http404 (never 403, so another company's proposal is not
    revealed to exist)."""
    proposal = proposal_for_detail(user, quest_pk, pk)
    if proposal is None or not permissions.can_view_proposal(user, proposal):
        raise Http404
    return proposal


def attachment_of(proposal: Proposal, pk: int) -> ProposalAttachment:
    """Attachment `pk` of `proposal`, or Http404."""
    attachment = ProposalAttachment.objects.filter(pk=pk, proposal=proposal).first()
    if attachment is None:
        raise Http404
    return attachment


def own_review(proposal: Proposal, user) -> Review | None:
    """The user's own review of `proposal` (from its prefetched reviews), if any."""
    return next((r for r in proposal.reviews.all() if r.reviewer_id == user.id), None)


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


def points_possible(quest: Quest) -> int:
    """The points the quest's review criteria carry together (the weighted total's most)."""
    return quest.criteria.aggregate(total=Sum("weight"))["total"] or 0


def published_summaries(quest: Quest) -> QuerySet:
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


def adopted_proposals(quest: Quest) -> QuerySet:
    """The quest's adopted proposals with their companies (the results page)."""
    return Proposal.objects.filter(quest=quest, state=Proposal.State.ADOPTED).select_related(
        "company"
    )


def my_proposals(user) -> QuerySet:
    """A company member's proposals, across quests, with their states."""
    company_ids = [c.pk for c in roles.companies_of(user)]
    return (
        Proposal.objects.filter(company_id__in=company_ids)
        .select_related("quest__host", "company")
        .order_by("-updated_at", "-id")
    )
