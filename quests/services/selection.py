"""The staged selection of a posted quest, as Urban Innovation JAPAN runs it: the dated
stages (document screening, interview with the department, final screening, agreement,
trial start, report meeting), each proposal's result at a screening stage (the company is
told either way), and the interview slots the team offers and proposers book.

Locks are taken in the order the proposal services take them: the proposal, then the
quest or the slot."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreation.core.dates import clock, jdate
from cocreation.notifications.services import notify_many

from .. import permissions
from ..errors import QuestError
from ..models import InterviewSlot, Proposal, Quest, SelectionStage, StageResult
from ..selectors import selection as selectors
from .proposals import _change_state, _company_members, _team_users

# Dates in notifications are written in each recipient's language when rendered.
_lazy_date = lazy(jdate, str)
STAGE_ORDER = {kind: index for index, kind in enumerate(SelectionStage.Kind.values)}


def stages_update(*, quest: Quest, user, rows: dict[str, dict]) -> list[SelectionStage]:
    """Set the quest's stages as the stages form lists them.

    `rows`: {SelectionStage.Kind value: {"starts_on": date or None, "ends_on": date or
    None, "note": str}}; a kind without a date is removed (refused when results were
    recorded at it), a kind not in `rows` is left as it is. The stages must follow one
    another in the order of SelectionStage.Kind (each starts on or after the last day of
    the one before). Raises QuestError for someone who may not manage the selection, a
    closed quest, an end before a start (field "<kind>_ends_on"), stages out of order
    (field "<kind>_starts_on") or a removal of a stage with results."""
    if not permissions.can_manage_selection(user, quest):
        raise QuestError(_("You cannot change this quest's selection."))
    with transaction.atomic():
        quest = Quest.objects.select_for_update().get(pk=quest.pk)
        if quest.state in permissions.CLOSED_STATES:
            raise QuestError(_("A completed or cancelled quest can no longer be edited."))
        existing = {stage.kind: stage for stage in SelectionStage.objects.filter(quest=quest)}
        wanted: dict[str, tuple] = {}
        for kind in SelectionStage.Kind.values:
            row = rows.get(kind)
            if row is None:
                stage = existing.get(kind)
                if stage is not None:
                    wanted[kind] = (stage.starts_on, stage.ends_on, stage.note)
                continue
            if row.get("starts_on") is None:
                continue
            starts_on, ends_on = row["starts_on"], row.get("ends_on")
            if ends_on is not None and ends_on < starts_on:
                raise QuestError(_("A stage cannot end before it starts."), field=f"{kind}_ends_on")
            wanted[kind] = (starts_on, ends_on, (row.get("note") or "").strip())
        previous = None
        for kind, (starts_on, ends_on, _note) in wanted.items():
            if previous is not None and starts_on < previous[1]:
                raise QuestError(
                    _("“%(stage)s” cannot come before “%(previous)s” (%(date)s).")
                    % {
                        "stage": SelectionStage.Kind(kind).label,
                        "previous": SelectionStage.Kind(previous[0]).label,
                        "date": jdate(previous[1]),
                    },
                    field=f"{kind}_starts_on",
                )
            previous = (kind, ends_on or starts_on)
        for kind, stage in existing.items():
            if kind not in wanted:
                if stage.results.exists():
                    raise QuestError(
                        _("Results were recorded at “%(stage)s”; it cannot be removed.")
                        % {"stage": stage.get_kind_display()},
                        field=f"{kind}_starts_on",
                    )
                stage.delete()
        for kind, (starts_on, ends_on, note) in wanted.items():
            stage = existing.get(kind) or SelectionStage(quest=quest, kind=kind)
            stage.position = STAGE_ORDER[kind]
            stage.starts_on, stage.ends_on, stage.note = starts_on, ends_on, note
            stage.save()
    return list(SelectionStage.objects.filter(quest=quest).order_by("position"))


OUTCOME_ADVICE = {
    StageResult.Outcome.PASSED: gettext_lazy("Your proposal goes on to the next stage."),
    StageResult.Outcome.NOT_PASSED: gettext_lazy(
        "Your proposal does not go on. Thank you for proposing."
    ),
}


def stage_result_record(
    *, proposal: Proposal, stage: SelectionStage, user, outcome: str, reason: str = ""
) -> StageResult:
    """Record that `proposal` passes (`outcome` "passed") or does not pass ("not_passed",
    with a `reason`) screening `stage`; the proposing company's members are told, in plain
    text, with the reason and what comes next.

    A submitted proposal goes under review; one that does not pass is not adopted (its
    state, decision reason and history say so), so no later stage can take it, and a slot
    it booked that has not started is freed. Raises QuestError for an unknown outcome, a
    missing reason, someone who may not decide, a stage that is not a screening of this
    quest, a quest not selecting, a proposal no longer being decided, an earlier screening
    without a pass, or a result already recorded (the table's constraint settles a race)."""
    if outcome not in StageResult.Outcome.values:
        raise QuestError(_("Choose whether the proposal passes."), field="outcome")
    reason = reason.strip()
    if outcome == StageResult.Outcome.NOT_PASSED and not reason:
        raise QuestError(_("Give the reason the proposal does not pass."), field="reason")
    if stage.quest_id != proposal.quest_id or not stage.is_screening:
        raise QuestError(_("Choose a screening stage of this quest."))
    try:
        with transaction.atomic():
            locked = (
                Proposal.objects.select_for_update()
                .select_related("quest", "company")
                .get(pk=proposal.pk)
            )
            if not permissions.can_record_stage_result(user, locked):
                raise QuestError(_("You cannot decide on this proposal."))
            if locked.quest.state != Quest.State.SELECTING:
                raise QuestError(_("Stage results are recorded while the quest is selecting."))
            if locked.state not in Proposal.DECIDABLE_STATES:
                raise QuestError(
                    _("This proposal is “%(state)s”; it cannot be decided now.")
                    % {"state": Proposal.State(locked.state).label}
                )
            stages = list(SelectionStage.objects.filter(quest_id=locked.quest_id))
            stages.sort(key=lambda s: s.position)
            results = list(StageResult.objects.filter(proposal=locked))
            due = selectors.next_screening(stages, results)
            if any(r.stage_id == stage.pk for r in results):
                raise QuestError(_("The result of this stage was already recorded."))
            if due is None or due.pk != stage.pk:
                raise QuestError(
                    _("Record “%(stage)s” first: a proposal goes on only after passing it.")
                    % {"stage": due.get_kind_display() if due else stage.get_kind_display()}
                )
            result = StageResult.objects.create(
                stage=stage, proposal=locked, outcome=outcome, reason=reason, decided_by=user
            )
            if outcome == StageResult.Outcome.NOT_PASSED:
                locked.decision_reason = reason
                locked.decided_at = timezone.now()
                locked.decided_by = user
                locked.save(update_fields=["decision_reason", "decided_at", "decided_by"])
                _change_state(locked, user, Proposal.State.NOT_ADOPTED, reason)
                interview_slots_release(proposal=locked)
            elif locked.state == Proposal.State.SUBMITTED:
                _change_state(locked, user, Proposal.State.UNDER_REVIEW)
            _tell_company(locked, stage, result, stages)
    except IntegrityError:
        raise QuestError(_("The result of this stage was already recorded.")) from None
    proposal.state = locked.state
    return result


def interview_slots_release(*, proposal: Proposal) -> int:
    """Give up the interview slots `proposal` holds that have not started (JST), so that
    other proposers may book them: for a proposal that no longer takes part (withdrawn,
    not adopted, not passing a stage). Returns how many were freed."""
    now = timezone.localtime(timezone.now())
    return InterviewSlot.objects.filter(
        Q(held_on__gt=now.date()) | Q(held_on=now.date(), starts_at__gt=now.time()),
        proposal=proposal,
    ).update(proposal=None, booked_by=None, booked_at=None)


def _tell_company(proposal: Proposal, stage, result: StageResult, stages) -> None:
    following = [s for s in stages if s.position > stage.position]
    if result.outcome != StageResult.Outcome.PASSED:
        next_line = ""
    elif stage.kind == SelectionStage.Kind.DOCUMENT_SCREENING and any(
        s.kind == SelectionStage.Kind.INTERVIEW for s in following
    ):
        next_line = gettext_lazy(
            "Book a time for the interview on the quest's selection page of the portal."
        )
    elif following:
        next_line = _next_stage_line(following[0])
    else:
        next_line = ""
    notify_many(
        _company_members(proposal.company_id),
        "quest.stage_result",
        proposal,
        context={
            "quest": proposal.quest.title,
            "proposal": proposal.title,
            "stage": SelectionStage.Kind(stage.kind).label,
            "outcome": StageResult.Outcome(result.outcome).label,
            "advice": OUTCOME_ADVICE[result.outcome],
            "reason": result.reason,
            "next": next_line,
        },
        url=proposal.quest.get_absolute_url() + "selection/",
        key_prefix=f"quest.stage_result|{result.pk}",
    )


def _next_stage_line(stage: SelectionStage):
    return _NextStage(stage.kind, stage.starts_on)


class _NextStage:
    """ "Next: <stage> on <date>", written in the language active when rendered."""

    def __init__(self, kind: str, day: dt.date):
        self.kind, self.day = kind, day

    def __str__(self) -> str:
        return _("Next: %(stage)s on %(date)s.") % {
            "stage": SelectionStage.Kind(self.kind).label,
            "date": jdate(self.day),
        }


# --- Interview slots -------------------------------------------------------------------


def slot_create(
    *,
    quest: Quest,
    user,
    held_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    online_url: str = "",
    place: str = "",
) -> InterviewSlot:
    """Offer an interview slot on `held_on` from `starts_at` to `ends_at` (JST), online at
    `online_url` or on site at `place` (a room the team booked for the quest in a space is
    shown beside it). Raises QuestError for someone who may not manage the selection, a
    closed quest, a slot in the past (field "held_on"), an end not after the start
    ("ends_at") or neither address nor place ("place")."""
    if not permissions.can_manage_selection(user, quest):
        raise QuestError(_("You cannot change this quest's selection."))
    if ends_at <= starts_at:
        raise QuestError(_("An interview ends after it starts."), field="ends_at")
    online_url, place = online_url.strip(), place.strip()
    if not (online_url or place):
        raise QuestError(_("Give an online meeting address or a place."), field="place")
    slot = InterviewSlot(
        quest=quest,
        held_on=held_on,
        starts_at=starts_at,
        ends_at=ends_at,
        online_url=online_url,
        place=place,
    )
    if slot.starts <= timezone.now():
        raise QuestError(_("Offer a time that has not started yet."), field="held_on")
    with transaction.atomic():
        Quest.objects.select_for_update().get(pk=quest.pk)
        slot.save()
    return slot


def slot_delete(*, slot: InterviewSlot, user) -> None:
    """Remove a slot nobody booked. Raises QuestError for someone who may not manage the
    selection or a slot booked meanwhile (the proposer keeps it)."""
    if not permissions.can_manage_selection(user, slot.quest):
        raise QuestError(_("You cannot change this quest's selection."))
    with transaction.atomic():
        locked = InterviewSlot.objects.select_for_update().filter(pk=slot.pk).first()
        if locked is None:
            return
        if locked.proposal_id is not None:
            raise QuestError(_("A proposer booked this slot; it cannot be removed."))
        locked.delete()


def _release(slot: InterviewSlot) -> None:
    slot.proposal = None
    slot.booked_by = None
    slot.booked_at = None
    slot.save(update_fields=["proposal", "booked_by", "booked_at"])


def slot_book(*, slot: InterviewSlot, proposal: Proposal, user) -> InterviewSlot:
    """Book `slot` for `proposal` (a member of the proposing company); a slot the proposal
    held before is given up (a move). The quest team is told.

    Race-safe: the proposal's row is locked first (one booking or move of a proposal at a
    time), then the slot's (one proposal per slot; the second of two proposers is refused),
    and a proposal is unique among the slots in the table. Raises QuestError for someone
    outside the company, a proposal of another quest or not invited to the interview, a
    slot taken or started, or a held slot that has already started."""
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update()
            .select_related("quest", "company")
            .filter(pk=proposal.pk)
            .first()
        )
        if locked is None or not permissions.can_book_interview(user, locked):
            raise QuestError(_("Only the proposing company can book its interview."))
        if locked.quest_id != slot.quest_id:
            raise QuestError(_("This slot is for another quest."))
        stages = list(SelectionStage.objects.filter(quest_id=locked.quest_id))
        results = list(StageResult.objects.filter(proposal=locked))
        if not selectors.may_book_interview(locked, stages, results):
            raise QuestError(_("Your proposal is not invited to an interview."))
        current = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        now = timezone.now()
        if current.starts <= now:
            raise QuestError(_("This slot has already started."))
        if current.proposal_id == locked.pk:
            return current
        if current.proposal_id is not None:
            raise QuestError(_("Someone else has just booked this slot. Choose another one."))
        held = InterviewSlot.objects.select_for_update().filter(proposal=locked).first()
        if held is not None:
            if held.starts <= now:
                raise QuestError(_("Your interview has already started; it cannot be moved."))
            _release(held)
        current.proposal = locked
        current.booked_by = user
        current.booked_at = now
        try:
            with transaction.atomic():
                current.save(update_fields=["proposal", "booked_by", "booked_at"])
        except IntegrityError:
            raise QuestError(_("This proposal already has an interview slot.")) from None
        notify_many(
            _team_users(locked.quest),
            "quest.interview_booked",
            current,
            context={
                "quest": locked.quest.title,
                "company": locked.company.name,
                "proposal": locked.title,
                "date": _lazy_date(current.held_on),
                "time": f"{clock(current.starts_at)}–{clock(current.ends_at)}",
            },
            url=locked.quest.get_absolute_url() + "selection/",
            key_prefix=f"quest.interview_booked|{current.pk}|{locked.pk}|{now.isoformat()}",
        )
    return current


def slot_cancel(*, slot: InterviewSlot, user) -> None:
    """The proposing company gives its slot up before it starts. Raises QuestError for
    someone outside the company, a slot no longer theirs, or one that has started."""
    with transaction.atomic():
        current = (
            InterviewSlot.objects.select_for_update(of=("self",))
            .select_related("proposal__company")
            .filter(pk=slot.pk)
            .first()
        )
        if current is None or current.proposal is None:
            raise QuestError(_("This slot is not booked."))
        if not permissions.can_book_interview(user, current.proposal):
            raise QuestError(_("Only the proposing company can cancel its interview."))
        if current.starts <= timezone.now():
            raise QuestError(_("This slot has already started."))
        _release(current)
