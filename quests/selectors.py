"""The queries quest pages need, each with a fixed number of database round trips."""

from django.db.models import Count, Prefetch, Q

from .models import Proposal, Quest, QuestCoHost, QuestTransition, TeamMember
from .permissions import visible_quests


def quests_for_list(user):
    """Quests the user may see, with what a list row shows."""
    return (
        visible_quests(user)
        .select_related("host")
        .prefetch_related(
            "themes",
            Prefetch("co_hosts", queryset=QuestCoHost.objects.select_related("organisation")),
        )
        .order_by("-created_at", "-id")
    )


def quest_for_detail(pk: int):
    return (
        Quest.objects.select_related("host", "reused_from", "created_by")
        .prefetch_related(
            "themes",
            "sdg_targets__goal",
            "criteria",
            Prefetch(
                "co_hosts",
                queryset=QuestCoHost.objects.select_related("organisation").prefetch_related(
                    "approvers"
                ),
            ),
            Prefetch(
                "team",
                queryset=TeamMember.objects.select_related("user", "organisation").order_by(
                    "role", "joined_at", "id"
                ),
            ),
            Prefetch(
                "transitions",
                queryset=QuestTransition.objects.select_related("actor").order_by(
                    "-created_at", "-id"
                ),
            ),
            Prefetch("reuses", queryset=Quest.objects.exclude(state=Quest.State.DRAFT)),
        )
        .filter(pk=pk)
    )


def proposal_counts(quest: Quest) -> dict:
    """How many proposals the quest has by state (the team side's overview)."""
    return quest.proposals.aggregate(
        submitted=Count(
            "pk", filter=~Q(state__in=[Proposal.State.DRAFT, Proposal.State.WITHDRAWN])
        ),
        adopted=Count("pk", filter=Q(state=Proposal.State.ADOPTED)),
    )


def upcoming_bookings(quest: Quest, limit: int = 10):
    """The team's room bookings for this quest (spaces app): the latest ten, newest first."""
    from spaces.models import Booking

    return list(
        Booking.objects.filter(quest=quest, status__in=Booking.LIVE_STATUSES)
        .select_related("space")
        .order_by("-starts_at")[:limit]
    )


def quests_accepting_proposals(limit: int = 5):
    """Open quests whose deadline has not passed, soonest deadline first (the home page).
    Open quests are public, so this needs no per-user visibility filter; the home page
    shows only the title, the host and the deadline."""
    from django.utils import timezone

    return list(
        Quest.objects.filter(state=Quest.State.OPEN)
        .filter(Q(proposal_deadline__isnull=True) | Q(proposal_deadline__gte=timezone.localdate()))
        .select_related("host")
        .only("pk", "title", "proposal_deadline", "host__name")
        .order_by("proposal_deadline", "-id")[:limit]
    )
