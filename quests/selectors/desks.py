"""What the proposal desk pages read. Every list of open proposals goes through
permissions.visible_open_proposals_q, so no page shows one to anyone else."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from .. import permissions
from ..models import (
    AgendaItem,
    BoardScore,
    BoardSession,
    DeskCriterion,
    DeskRouting,
    OpenProposal,
    ProposalDesk,
)


def desk_list():
    """Every desk with its host or network and its public counts (received, adopted), in
    one query."""
    return (
        ProposalDesk.objects.select_related("host", "region")
        .prefetch_related("themes")
        .annotate(
            received=Count("proposals"),
            adopted=Count("proposals", filter=Q(proposals__state=OpenProposal.State.ADOPTED)),
        )
        .order_by("name", "id")
    )


def desk_or_404(pk: int) -> ProposalDesk:
    desk = ProposalDesk.objects.select_related("host", "region").filter(pk=pk).first()
    if desk is None:
        raise Http404
    return desk


def desk_counts(desk: ProposalDesk) -> dict[str, int]:
    """The desk page's public figures: proposals received, adopted, not adopted (declined
    included), carried over and under way; counts only, never a proposal."""
    by_state = dict(
        OpenProposal.objects.filter(desk=desk)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    state = OpenProposal.State
    return {
        "received": sum(by_state.values()),
        "adopted": by_state.get(state.ADOPTED, 0),
        "not_adopted": by_state.get(state.NOT_ADOPTED, 0) + by_state.get(state.DECLINED, 0),
        "carried_over": by_state.get(state.CARRIED_OVER, 0),
        "under_way": sum(
            by_state.get(s, 0) for s in (state.SUBMITTED, state.NEEDS_INFO, state.TO_BOARD)
        ),
    }


def published_sessions(desk: ProposalDesk):
    return BoardSession.objects.filter(desk=desk, published_at__isnull=False).order_by(
        "-held_on", "-id"
    )


def desk_sessions(user, desk: ProposalDesk):
    """The sessions the user sees: all for the desk's side, published ones for others."""
    sessions = BoardSession.objects.filter(desk=desk).annotate(item_count=Count("items"))
    if not permissions.works_at_desk(user, desk):
        sessions = sessions.filter(published_at__isnull=False)
    return sessions.order_by("-held_on", "-id")


def visible_open_proposals(user):
    return OpenProposal.objects.filter(permissions.visible_open_proposals_q(user))


def desk_proposals(user, desk: ProposalDesk, state: str = ""):
    """The desk's proposals the user may see, newest first, optionally of one state."""
    rows = (
        visible_open_proposals(user)
        .filter(desk=desk)
        .select_related("organisation")
        .order_by("-submitted_at", "-id")
    )
    if state:
        rows = rows.filter(state=state)
    return rows


def own_desk_proposals(user, desk: ProposalDesk, limit: int = 20):
    """The latest `limit` proposals the user's organisations sent to `desk`."""
    from cocreation import permissions as roles

    org_ids = [m.organisation_id for m in roles.active_memberships(user)]
    return (
        OpenProposal.objects.filter(desk=desk, organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("-submitted_at", "-id")[:limit]
    )


def visible_open_proposal_or_404(user, desk_pk: int, pk: int) -> OpenProposal:
    """The proposal when the user may see it; 404 otherwise (its existence stays hidden)."""
    proposal = (
        visible_open_proposals(user)
        .filter(desk_id=desk_pk, pk=pk)
        .select_related("desk__host", "desk__region", "organisation", "project")
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def proposal_page(proposal: OpenProposal) -> dict:
    """The proposal page's rows: routings with their departments, messages, history."""
    return {
        "routings": list(
            DeskRouting.objects.filter(proposal=proposal)
            .select_related("department__organisation", "answered_by")
            .prefetch_related("department__members")
        ),
        "thread": list(proposal.messages.select_related("author")),
        "events": list(proposal.events.select_related("actor")),
        "agenda": list(
            proposal.agenda_items.select_related("session").order_by("session__held_on", "id")
        ),
    }


@dataclass
class ItemRow:
    """An agenda item on the board's page: its scores by criterion and weighted total."""

    item: AgendaItem
    averages: list[tuple[DeskCriterion, float | None, int]] = field(default_factory=list)
    weighted: float | None = None
    my_scores: dict[int, BoardScore] = field(default_factory=dict)


def board_rows(user, session: BoardSession) -> list[ItemRow]:
    """The session's agenda with each item's average score per criterion, the weighted
    total (Σ weight × average / Σ weight, 1–5) and the user's own scores; three queries
    whatever the agenda's length."""
    criteria = list(DeskCriterion.objects.filter(desk_id=session.desk_id))
    items = list(
        session.items.select_related(
            "proposal__organisation", "proposal__project"
        ).prefetch_related(Prefetch("scores", queryset=BoardScore.objects.all()))
    )
    rows = []
    for item in items:
        row = ItemRow(item=item)
        total = weights = 0
        for criterion in criteria:
            values = [s.score for s in item.scores.all() if s.criterion_id == criterion.pk]
            average = sum(values) / len(values) if values else None
            row.averages.append((criterion, average, len(values)))
            if average is not None:
                total += criterion.weight * average
                weights += criterion.weight
        row.weighted = total / weights if weights else None
        row.my_scores = {
            s.criterion_id: s
            for s in item.scores.all()
            if s.reviewer_id == getattr(user, "pk", None)
        }
        rows.append(row)
    return rows


def board_candidates(session: BoardSession):
    """Proposals of the desk the staff may put on the session's agenda."""
    return (
        OpenProposal.objects.filter(desk_id=session.desk_id, state__in=OpenProposal.BOARD_STATES)
        .exclude(agenda_items__decision="")
        .select_related("organisation")
        .order_by("submitted_at", "id")
    )


def session_or_404(user, desk: ProposalDesk, pk: int, *, board: bool = False) -> BoardSession:
    """A session of `desk`: published ones for anyone, every one for the desk's side; with
    `board`, only for the desk's side. 404 otherwise."""
    session = BoardSession.objects.filter(desk=desk, pk=pk).first()
    if session is None:
        raise Http404
    if (board or session.published_at is None) and not permissions.works_at_desk(user, desk):
        raise Http404
    session.desk = desk
    return session


@dataclass
class Minutes:
    """The public minutes of a session: no proposal text, no reason, no score; only the
    counts of decisions and the adopted proposals (their projects are public quests)."""

    session: BoardSession
    counts: dict[str, int]
    adopted: list[AgendaItem]


def session_minutes(session: BoardSession) -> Minutes:
    items = list(session.items.select_related("proposal__organisation", "proposal__project"))
    counts = {decision: 0 for decision in AgendaItem.Decision.values}
    for item in items:
        if item.decision:
            counts[item.decision] += 1
    counts["total"] = len(items)
    adopted = [i for i in items if i.decision == AgendaItem.Decision.ADOPTED]
    return Minutes(session=session, counts=counts, adopted=adopted)
