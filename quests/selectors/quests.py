"""Quests as the pages read them: the list and its keyword search, one quest's page and the
answers to "may this person…?" its navigation and buttons use, the home page's open quests,
and the open data (feed and exports)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cocreation.core.search import keyword_search

from .. import permissions
from ..models import (
    Proposal,
    Quest,
    QuestCoHost,
    QuestTransition,
    ResultsReport,
    ReviewCriterion,
    TeamMember,
)

# The states anyone may see a quest in, and so the open data carries.
PUBLIC_STATES = [
    Quest.State.OPEN,
    Quest.State.SELECTING,
    Quest.State.IN_TRIAL,
    Quest.State.COMPLETED,
]

EXPORT_COLUMNS = [
    "id",
    "title",
    "summary",
    "host",
    "host_code",
    "co_hosts",
    "themes",
    "sdg_targets",
    "state",
    "proposal_deadline",
    "trial_starts_on",
    "trial_ends_on",
    "url",
    "opened_at",
    "results_published",
]


def filter_by_keywords(queryset: QuerySet, query: str) -> QuerySet:
    """`queryset` (of quests) narrowed to the quests holding every keyword of `query` (a
    search box's text; see `cocreation.core.text.search_keywords`), best matches first,
    then in the queryset's order. No keyword, no narrowing.

    Quest.search_text keeps the searched fields normalised (models.quest_search_document);
    each keyword, normalised the same way, must appear somewhere in it, which matches whole
    words and parts of words as people type them; the bigram index finds the candidates
    without a trigram extension (`cocreation.core.search.keyword_search`)."""
    return keyword_search(queryset, query)


def visible_quest_or_404(user, pk: int, queryset: QuerySet | None = None) -> Quest:
    """Quest `pk` (from `queryset`, default all quests) with its host, co-hosts and team,
    or Http404: a draft someone may not see does not exist for them."""
    queryset = queryset if queryset is not None else Quest.objects.all()
    quest = (
        queryset.select_related("host").prefetch_related("co_hosts", "team").filter(pk=pk).first()
    )
    if quest is None or not permissions.can_view_quest(user, quest):
        raise Http404
    return quest


def quest_page_context(user, quest: Quest, section: str) -> dict:
    """What every page of a quest shows: `quest`, `section` (the tab), `may` (the
    permissions its navigation and buttons use) and `own_proposal` (the person's company's
    live proposal for this quest, offered instead of a second one)."""
    may = {
        "edit": permissions.can_edit_quest(user, quest),
        "change_state": permissions.can_change_state(user, quest),
        "join_team": permissions.can_join_team(user, quest),
        "manage_team": permissions.can_manage_team(user, quest),
        "propose": permissions.can_propose(user, quest),
        "ask": permissions.can_ask_question(user, quest),
        "answer": permissions.can_answer_question(user, quest),
        "see_all_proposals": permissions.sees_all_proposals(user, quest),
        "view_trial": permissions.can_view_trial(user, quest)
        if quest.state in (Quest.State.IN_TRIAL, Quest.State.COMPLETED)
        else False,
        "manage_trial": permissions.can_manage_trial(user, quest),
        "reuse": permissions.can_reuse_quest(user, quest),
        "is_team_member": permissions.is_team_member(user, quest),
        "company_member": permissions.roles.is_company_member(user),
        "manage_selection": permissions.can_manage_selection(user, quest),
    }
    own_proposal = None
    if may["company_member"]:
        # A company has one live proposal per quest: offer it instead of a second one.
        own_proposal = (
            Proposal.objects.filter(quest=quest, company__in=permissions.roles.companies_of(user))
            .exclude(state=Proposal.State.WITHDRAWN)
            .first()
        )
        if own_proposal is not None:
            may["propose"] = False
    return {"quest": quest, "section": section, "may": may, "own_proposal": own_proposal}


def team_member_of(quest: Quest, pk: int) -> TeamMember:
    """Team member `pk` of `quest`, or Http404."""
    member = TeamMember.objects.filter(pk=pk, quest=quest).first()
    if member is None:
        raise Http404
    return member


def criteria_of(quest: Quest) -> QuerySet:
    """The quest's review criteria in the order reviewers see them."""
    return ReviewCriterion.objects.filter(quest=quest).order_by("position", "id")


def quests_for_list(user) -> QuerySet:
    """Quests the user may see, with what a list row shows."""
    return (
        permissions.visible_quests(user)
        .select_related("host")
        .prefetch_related(
            "themes",
            Prefetch("co_hosts", queryset=QuestCoHost.objects.select_related("organisation")),
        )
        .order_by("-created_at", "-id")
    )


def quest_for_detail(pk: int) -> QuerySet:
    """Quest `pk` (a queryset of at most one) with everything its overview page shows:
    themes, SDG targets, criteria, the selection's stages, co-hosts and their approvers,
    the team, the history and the quests reused from it."""
    return (
        Quest.objects.select_related("host", "reused_from", "created_by")
        .prefetch_related(
            "themes",
            "sdg_targets__goal",
            "criteria",
            "stages",
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
    """How many proposals the quest has by state (the team side's overview):
    {"submitted": n, "adopted": n}."""
    return quest.proposals.aggregate(
        submitted=Count(
            "pk", filter=~Q(state__in=[Proposal.State.DRAFT, Proposal.State.WITHDRAWN])
        ),
        adopted=Count("pk", filter=Q(state=Proposal.State.ADOPTED)),
    )


def quests_accepting_proposals(limit: int = 5) -> list[Quest]:
    """Open quests whose deadline has not passed, soonest deadline first (the home page).
    Open quests are public, so this needs no per-user visibility filter; the home page
    shows only the title, the host and the deadline."""
    return list(
        Quest.objects.filter(state=Quest.State.OPEN)
        .filter(Q(proposal_deadline__isnull=True) | Q(proposal_deadline__gte=timezone.localdate()))
        .select_related("host")
        .only("pk", "title", "proposal_deadline", "host__name")
        .order_by("proposal_deadline", "-id")[:limit]
    )


# --- Open data ---------------------------------------------------------------------------


def public_quests() -> QuerySet:
    """Quests anyone may see (never a draft), with what the exports carry and only that
    (not the long texts of the quest page: an export reads thousands of rows)."""
    return (
        Quest.objects.filter(state__in=PUBLIC_STATES)
        .select_related("host")
        .only(
            "title",
            "summary",
            "state",
            "proposal_deadline",
            "trial_starts_on",
            "trial_ends_on",
            "opened_at",
            "host__name",
            "host__local_government_code",
        )
        .prefetch_related(
            "themes",
            "sdg_targets",
            Prefetch("co_hosts", queryset=QuestCoHost.objects.select_related("organisation")),
            Prefetch(
                "results",
                queryset=ResultsReport.objects.only("id", "quest_id", "published_at"),
            ),
        )
    )


def newly_opened_quests(limit: int = 50) -> QuerySet:
    """The `limit` most recently opened public quests, newest first (the Atom feed)."""
    return (
        Quest.objects.filter(state__in=PUBLIC_STATES, opened_at__isnull=False)
        .select_related("host")
        .prefetch_related("themes")
        .order_by("-opened_at", "-id")[:limit]
    )


def public_quest_rows(
    quests: Iterable[Quest], *, absolute_url: Callable[[str], str]
) -> Iterator[dict]:
    """One dict per quest of `quests` (from `public_quests()`), keyed by EXPORT_COLUMNS:
    lists for co-hosts, themes and SDG targets, ISO dates (or None), and the page's
    address made absolute by `absolute_url` (request.build_absolute_uri)."""
    for quest in quests:
        results = getattr(quest, "results", None) if hasattr(quest, "results") else None
        yield {
            "id": quest.pk,
            "title": quest.title,
            "summary": quest.summary,
            "host": quest.host.name,
            "host_code": quest.host.local_government_code or "",
            "co_hosts": [c.organisation.name for c in quest.co_hosts.all()],
            "themes": [t.name for t in quest.themes.all()],
            "sdg_targets": [t.code for t in quest.sdg_targets.all()],
            "state": quest.state,
            "proposal_deadline": quest.proposal_deadline.isoformat()
            if quest.proposal_deadline
            else None,
            "trial_starts_on": quest.trial_starts_on.isoformat() if quest.trial_starts_on else None,
            "trial_ends_on": quest.trial_ends_on.isoformat() if quest.trial_ends_on else None,
            "url": absolute_url(quest.get_absolute_url()),
            "opened_at": quest.opened_at.isoformat() if quest.opened_at else None,
            "results_published": bool(results and results.published_at),
        }


def network_activity(region, *, quests: int = 10, results: int = 5) -> dict:
    """The newest `quests` public quests hosted by members of `region` (a network or
    region), with their hosts, and the newest `results` results they published: what
    the network's page shows. Two queries, however large the network."""
    hosted = Quest.objects.filter(
        state__in=PUBLIC_STATES,
        host__in=region.organisations.values("pk"),
    )
    return {
        "region": region,
        "quests": list(hosted.select_related("host").order_by("-created_at", "-id")[:quests]),
        "results": list(
            ResultsReport.objects.filter(quest__in=hosted.values("pk"), published_at__isnull=False)
            .select_related("quest", "quest__host")
            .order_by("-published_at", "-id")[:results]
        ),
    }
