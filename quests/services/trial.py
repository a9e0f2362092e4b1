"""The trial of an adopted proposal: its plan, milestones, meetings and KPIs, and the
results report other municipalities read once the quest is completed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..errors import QuestError
from ..models import TRIAL_ITEMS, Quest, ResultsReport, Trial, TrialMeeting


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
