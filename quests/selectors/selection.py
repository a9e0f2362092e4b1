"""The selection as the pages read it: the quest's timeline (public), the team's table of
proposals and their stage results, a proposer's own results and the interview slots they
may book, the quest's Atom feed of stages, and the weighted review totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cocreation import permissions as roles

from ..models import InterviewSlot, Proposal, Quest, SelectionStage, StageResult

# The timeline's words for where each entry stands, in text (never by colour alone).
STATUS_LABELS = {
    "done": pgettext_lazy("timeline", "Done"),
    "now": pgettext_lazy("timeline", "Now"),
    "next": pgettext_lazy("timeline", "Next"),
    "later": pgettext_lazy("timeline", "Later"),
}
# Proposals that take part in the selection (not drafts, not withdrawn).
TAKING_PART = [
    Proposal.State.SUBMITTED,
    Proposal.State.UNDER_REVIEW,
    Proposal.State.ON_HOLD,
    Proposal.State.ADOPTED,
    Proposal.State.NOT_ADOPTED,
]


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a quest's timeline: `key` ("published", "deadline" or a stage kind),
    its `label`, dates (JST; `ends_on` None for one day), public `note`, and `status`
    ("done", "now", "next", "later") with its `status_label`."""

    key: str
    label: str
    starts_on: dt.date
    ends_on: dt.date | None
    note: str
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def stages_of(quest: Quest) -> list[SelectionStage]:
    """The quest's stages in the order of the selection (prefetched `stages` if present)."""
    return sorted(quest.stages.all(), key=lambda s: (s.position, s.pk))


def timeline(quest: Quest, today: dt.date | None = None) -> list[TimelineEntry]:
    """The quest's publication, proposal deadline and stages in date order, each marked
    done (its last day has passed), now (today falls in it), next (the first one still to
    come) or later, as of `today` (JST, default today). No query when `stages` is
    prefetched."""
    today = today or timezone.localdate()
    rows: list[tuple[dt.date, int, str, str, dt.date | None, str]] = []
    if quest.opened_at:
        rows.append(
            (timezone.localdate(quest.opened_at), -2, "published", _("Published"), None, "")
        )
    if quest.proposal_deadline:
        rows.append((quest.proposal_deadline, -1, "deadline", _("Proposal deadline"), None, ""))
    for stage in stages_of(quest):
        rows.append(
            (
                stage.starts_on,
                stage.position,
                stage.kind,
                stage.get_kind_display(),
                stage.ends_on if stage.ends_on and stage.ends_on != stage.starts_on else None,
                stage.note,
            )
        )
    rows.sort(key=lambda row: (row[0], row[1]))
    entries, next_given = [], False
    for starts_on, _order, key, label, ends_on, note in rows:
        last_day = ends_on or starts_on
        if last_day < today:
            status = "done"
        elif starts_on <= today:
            status = "now"
        elif not next_given:
            status, next_given = "next", True
        else:
            status = "later"
        entries.append(TimelineEntry(key, label, starts_on, ends_on, note, status))
    return entries


def quest_with_stages(pk: int) -> QuerySet:
    """Quest `pk` (a queryset of at most one) with its stages, for the selection pages."""
    return Quest.objects.prefetch_related("stages").filter(pk=pk)


def quest_for_feed_or_404(pk: int) -> Quest:
    """Quest `pk` with its host and stages, if anyone may see it (never a draft or a
    cancelled quest's feed), or Http404."""
    quest = (
        Quest.objects.exclude(state__in=[Quest.State.DRAFT, Quest.State.CANCELLED])
        .select_related("host")
        .prefetch_related("stages")
        .filter(pk=pk)
        .first()
    )
    if quest is None:
        raise Http404
    return quest


def screenings(stages: list[SelectionStage]) -> list[SelectionStage]:
    """The stages of `stages` a proposal passes or does not pass, in order."""
    return [stage for stage in stages if stage.is_screening]


def next_screening(stages: list[SelectionStage], results: list[StageResult]):
    """The screening stage whose result is still to be recorded for a proposal with
    `results`, or None (all recorded, or one not passed: nothing comes after it)."""
    by_stage = {result.stage_id: result for result in results}
    for stage in screenings(stages):
        result = by_stage.get(stage.pk)
        if result is None:
            return stage
        if result.outcome != StageResult.Outcome.PASSED:
            return None
    return None


def may_book_interview(proposal: Proposal, stages, results) -> bool:
    """Whether `proposal` (with the quest's `stages` and its `results`) may book an
    interview slot: it is still being decided, has passed the document screening when the
    quest has one, and has no interview result yet."""
    if proposal.state not in Proposal.DECIDABLE_STATES:
        return False
    passed = {r.stage_id for r in results if r.outcome == StageResult.Outcome.PASSED}
    recorded = {r.stage_id for r in results}
    for stage in stages:
        if stage.kind == SelectionStage.Kind.DOCUMENT_SCREENING and stage.pk not in passed:
            return False
        if stage.kind == SelectionStage.Kind.INTERVIEW and stage.pk in recorded:
            return False
    return True


def stages_not_passed(proposal: Proposal) -> list[SelectionStage]:
    """The screening stages of the proposal's quest it has not passed (two queries):
    what stands between it and adoption."""
    passed = StageResult.objects.filter(
        proposal=proposal, outcome=StageResult.Outcome.PASSED
    ).values("stage_id")
    return list(
        SelectionStage.objects.filter(
            quest_id=proposal.quest_id, kind__in=SelectionStage.SCREENINGS
        )
        .exclude(pk__in=passed)
        .order_by("position")
    )


def slots_of(quest: Quest) -> QuerySet:
    """The quest's interview slots in time order, with the booking proposal's company."""
    return InterviewSlot.objects.filter(quest=quest).select_related("proposal__company")


def slot_of_or_404(quest: Quest, pk: int) -> InterviewSlot:
    """Interview slot `pk` of `quest`, or Http404."""
    slot = InterviewSlot.objects.filter(quest=quest, pk=pk).select_related("proposal").first()
    if slot is None:
        raise Http404
    return slot


def _with_results(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("company").prefetch_related(
        Prefetch("stage_results", queryset=StageResult.objects.select_related("stage")),
        "interview_slots",
    )


def team_table(quest: Quest, stages: list[SelectionStage]) -> list[dict]:
    """The team side's table: each proposal taking part (submitted first), with its
    `results` by stage id, its `slot` and the `next` screening stage to record; three
    queries however many proposals."""
    proposals = _with_results(
        Proposal.objects.filter(quest=quest, state__in=TAKING_PART).order_by("submitted_at", "pk")
    )
    rows = []
    for proposal in proposals:
        results = list(proposal.stage_results.all())
        slots = list(proposal.interview_slots.all())
        rows.append(
            {
                "proposal": proposal,
                "results": {r.stage_id: r for r in results},
                "cells": [(stage, _result_for(stage, results)) for stage in screenings(stages)],
                "slot": slots[0] if slots else None,
                "next": next_screening(stages, results)
                if proposal.state in Proposal.DECIDABLE_STATES
                else None,
            }
        )
    return rows


def _result_for(stage, results):
    return next((r for r in results if r.stage_id == stage.pk), None)


def own_entries(user, quest: Quest, stages: list[SelectionStage]) -> list[dict]:
    """A proposer's side: their companies' proposals taking part in `quest`, each with its
    `cells` (stage, result), its booked `slot` and whether it `may_book`."""
    company_ids = [c.pk for c in roles.companies_of(user)]
    if not company_ids:
        return []
    proposals = _with_results(
        Proposal.objects.filter(quest=quest, company_id__in=company_ids, state__in=TAKING_PART)
    )
    entries = []
    for proposal in proposals:
        results = list(proposal.stage_results.all())
        slots = list(proposal.interview_slots.all())
        entries.append(
            {
                "proposal": proposal,
                "cells": [(stage, _result_for(stage, results)) for stage in screenings(stages)],
                "slot": slots[0] if slots else None,
                "may_book": may_book_interview(proposal, stages, results),
            }
        )
    return entries


def open_slots(quest: Quest, now: dt.datetime | None = None) -> list[InterviewSlot]:
    """The quest's slots nobody booked that have not started (JST), in time order."""
    now = timezone.localtime(now or timezone.now())
    return [
        slot
        for slot in InterviewSlot.objects.filter(
            quest=quest, proposal__isnull=True, held_on__gte=now.date()
        )
        if slot.starts > now
    ]


def weighted_total(averages) -> tuple[Decimal | None, int]:
    """(points earned, points possible) from `criterion_averages` rows (criterion, average
    1–5 or None, count): each criterion earns its points × average ÷ 5, rounded to one
    decimal; None while a criterion has no score yet."""
    possible = sum(criterion.weight for criterion, _average, _count in averages)
    if not averages or any(average is None for _c, average, _n in averages):
        return None, possible
    earned = sum(
        Decimal(criterion.weight) * Decimal(str(average)) / 5
        for criterion, average, _count in averages
    )
    return earned.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), possible
