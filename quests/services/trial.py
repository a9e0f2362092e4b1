"""The trial of an adopted proposal: its plan, milestones, meetings and KPIs, and the
results report other municipalities read once the quest is completed."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from cocreation.core.dates import fiscal_year_label
from cocreation.notifications.services import notify_many
from cocreation.organisations.models import Membership

from .. import permissions
from ..errors import QuestError
from ..models import (
    TRIAL_ITEMS,
    Quest,
    ResultsReport,
    Trial,
    TrialMeeting,
    TrialTransition,
    TrialTransitionRevision,
)


def _check_manager(user, quest: Quest, message: str) -> None:
    if not permissions.can_manage_trial(user, quest):
        raise QuestError(message)


@transaction.atomic
def trial_update(
    *, trial: Trial, user, starts_on: dt.date | None, ends_on: dt.date | None, plan: str
) -> Trial:
    """The trial's period and plan. Raises QuestError for someone who does not manage the
    trial (permissions.can_manage_trial) or an end before the start."""
    _check_manager(user, trial.quest, _("You cannot edit this quest's trial."))
    if starts_on and ends_on and ends_on < starts_on:
        raise QuestError(_("The trial cannot end before it starts."), field="ends_on")
    locked = Trial.objects.select_for_update().get(pk=trial.pk)
    locked.starts_on, locked.ends_on, locked.plan = starts_on, ends_on, plan
    locked.save(update_fields=["starts_on", "ends_on", "plan"])
    return locked


def trial_item_save(*, trial: Trial, user, kind: str, values: dict, pk: int | None = None):
    """Add (`pk` None) or edit item `pk` of the trial's `kind` ("milestone", "meeting",
    "kpi": models.TRIAL_ITEMS) with `values` ({field: value}, as the item's form cleans
    them). A new meeting records who wrote it. Returns the saved item.

    An edit of an item someone deleted in the meantime is refused rather than bringing the
    item back. Raises QuestError for that, for an unknown kind, and for someone who does
    not manage the trial."""
    _check_manager(user, trial.quest, _("You cannot edit this quest's trial."))
    model = TRIAL_ITEMS.get(kind)
    if model is None:
        raise QuestError(_("You cannot edit this quest's trial."))
    with transaction.atomic():
        if pk is None:
            extra = {"recorded_by": user} if model is TrialMeeting else {}
            return model.objects.create(trial=trial, **values, **extra)
        item = model.objects.select_for_update().filter(pk=pk, trial=trial).first()
        if item is None:
            raise QuestError(_("Someone deleted this item meanwhile."))
        for name, value in values.items():
            setattr(item, name, value)
        item.save(update_fields=list(values))
    return item


@transaction.atomic
def trial_item_delete(*, trial: Trial, user, kind: str, pk: int) -> None:
    """Delete item `pk` of the trial's `kind`; one already deleted is no error. Raises
    QuestError for someone who does not manage the trial or an unknown kind."""
    _check_manager(user, trial.quest, _("You cannot edit this quest's trial."))
    model = TRIAL_ITEMS.get(kind)
    if model is None:
        raise QuestError(_("You cannot edit this quest's trial."))
    model.objects.filter(pk=pk, trial=trial).delete()


def results_save(
    *,
    quest: Quest,
    user,
    what_was_done: str,
    outcomes: str,
    lessons: str,
    reuse_requirements: str,
) -> ResultsReport:
    """Write (or rewrite) the quest's results report, once the trial has started. Raises
    QuestError for someone who does not manage the trial or a quest not yet in trial."""
    _check_manager(user, quest, _("You cannot edit this quest's results."))
    if quest.state not in {Quest.State.IN_TRIAL, Quest.State.COMPLETED}:
        raise QuestError(_("Results are written once the trial has started."))
    report, _created = ResultsReport.objects.update_or_create(
        quest=quest,
        defaults={
            "what_was_done": what_was_done,
            "outcomes": outcomes,
            "lessons": lessons,
            "reuse_requirements": reuse_requirements,
        },
    )
    return report


def results_publish(*, quest: Quest, user, publish: bool = True) -> ResultsReport:
    """Publish (the quest must be completed) or unpublish the results report; a second
    publish keeps the first publication's date and publisher. Raises QuestError when there
    is no report, the quest is not completed, or for someone who does not manage the
    trial."""
    _check_manager(user, quest, _("You cannot edit this quest's results."))
    with transaction.atomic():
        # Locked and idempotent: a second "publish" (double click, two team members) keeps
        # the first publication's date and publisher.
        locked_quest = Quest.objects.select_for_update().get(pk=quest.pk)
        report = ResultsReport.objects.select_for_update().filter(quest=quest).first()
        if report is None:
            raise QuestError(_("Write the results report first."))
        if publish and locked_quest.state != Quest.State.COMPLETED:
            raise QuestError(_("Results are published when the quest is completed."))
        if publish == (report.published_at is not None):
            return report
        report.published_at = timezone.now() if publish else None
        report.published_by = user if publish else None
        report.save(update_fields=["published_at", "published_by", "updated_at"])
    return report


# --- After the trial: adoption as a service, extension, or not continued ------------------

# The quest states in which the trial has begun, so what follows it may be recorded.
TRANSITION_STATES = (Quest.State.IN_TRIAL, Quest.State.COMPLETED)


def _transition_details(transition: TrialTransition) -> str:
    """The plain-text lines of the notification: budget and procurement for an adoption
    (the amount only when public: the company's members read the mail), the reason."""
    lines = []
    if transition.budget_line:
        lines.append(_("Budget line: %(line)s") % {"line": transition.budget_line})
    if transition.amount_yen is not None and transition.amount_public:
        lines.append(_("Amount: %(amount)s yen") % {"amount": f"{transition.amount_yen:,}"})
    if transition.procurement:
        lines.append(
            _("Procurement method: %(method)s")
            % {"method": TrialTransition.Procurement(transition.procurement).label}
        )
    if transition.reason:
        lines.append(_("Reason: %(reason)s") % {"reason": transition.reason})
    return "\n".join(lines)


def transition_record(
    *,
    quest: Quest,
    user,
    fiscal_year: int,
    outcome: str,
    budget_line: str = "",
    amount_yen: int | None = None,
    amount_public: bool = False,
    procurement: str = "",
    reason: str = "",
    pk: int | None = None,
) -> TrialTransition:
    """Record (`pk` None) or change (record `pk` of `quest`) what follows the quest's trial
    in `fiscal_year` (2025 = 2025年度, April 2025–March 2026): `outcome` one of
    TrialTransition.Outcome. For an adoption (本格導入): `budget_line` (text),
    `amount_yen` (whole yen, None when not decided), `amount_public` (shown on the public
    pages only when True), `procurement` (TrialTransition.Procurement or ""); these are
    dropped for the other outcomes. `reason` is required when not continued.

    Every save also writes a TrialTransitionRevision (the history), and the adopted
    company's members are told. Raises QuestError for someone who does not manage the
    trial (permissions.can_manage_trial), a quest without a trial or not yet in trial,
    a second record for the same fiscal year (also a database constraint), a missing
    reason, and a record someone deleted meanwhile."""
    _check_manager(user, quest, _("You cannot record what follows this quest's trial."))
    if outcome not in TrialTransition.Outcome.values:
        raise QuestError(_("Choose what happens next."), field="outcome")
    if outcome == TrialTransition.Outcome.NOT_CONTINUED and not reason.strip():
        raise QuestError(_("Say why it is not continued."), field="reason")
    if outcome != TrialTransition.Outcome.ADOPTED:
        budget_line, amount_yen, amount_public, procurement = "", None, False, ""
    values = {
        "fiscal_year": fiscal_year,
        "outcome": outcome,
        "budget_line": budget_line,
        "amount_yen": amount_yen,
        "amount_public": amount_public and amount_yen is not None,
        "procurement": procurement,
        "reason": reason,
    }
    taken = _("This quest already has a record for this fiscal year: edit that one.")
    try:
        with transaction.atomic():
            # The quest row first: two team members recording at once take turns.
            locked_quest = Quest.objects.select_for_update().get(pk=quest.pk)
            trial = Trial.objects.filter(quest=locked_quest).select_related("proposal").first()
            if trial is None or locked_quest.state not in TRANSITION_STATES:
                raise QuestError(_("What follows the trial is recorded once the trial has begun."))
            same_year = TrialTransition.objects.filter(quest=quest, fiscal_year=fiscal_year)
            if pk is not None:
                same_year = same_year.exclude(pk=pk)
            if same_year.exists():
                raise QuestError(taken, field="fiscal_year")
            if pk is None:
                transition = TrialTransition.objects.create(
                    quest=locked_quest, recorded_by=user, **values
                )
            else:
                transition = (
                    TrialTransition.objects.select_for_update().filter(pk=pk, quest=quest).first()
                )
                if transition is None:
                    raise QuestError(_("Someone deleted this record meanwhile."))
                if all(getattr(transition, name) == value for name, value in values.items()):
                    return transition
                for name, value in values.items():
                    setattr(transition, name, value)
                transition.save(update_fields=[*values, "updated_at"])
            revision = TrialTransitionRevision.objects.create(
                transition=transition, changed_by=user, **values
            )
            notify_many(
                get_user_model().objects.filter(
                    memberships__organisation_id=trial.proposal.company_id,
                    memberships__status=Membership.Status.ACTIVE,
                ),
                "quest.transition_recorded",
                transition,
                context={
                    "quest": locked_quest.title,
                    # Lazy: written in each recipient's language.
                    "fiscal_year": lazy(fiscal_year_label, str)(fiscal_year),
                    "outcome": TrialTransition.Outcome(outcome).label,
                    "details": lazy(_transition_details, str)(transition),
                },
                url=locked_quest.get_absolute_url(),
                key_prefix=f"quest.transition_recorded|{revision.pk}",
            )
    except IntegrityError:
        # The unique (quest, fiscal year) constraint: a concurrent record won.
        raise QuestError(taken, field="fiscal_year") from None
    return transition
