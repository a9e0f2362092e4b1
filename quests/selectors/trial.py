"""The trial and the results report as their pages read them."""

from __future__ import annotations

from django.db.models import BigIntegerField, Case, F, Prefetch, Value, When
from django.http import Http404

from ..models import (
    TRIAL_ITEMS,
    Kpi,
    Quest,
    ResultsReport,
    Trial,
    TrialTransition,
    TrialTransitionRevision,
)


def trial_of(quest: Quest) -> Trial | None:
    """The quest's trial with its quest, adopted company, milestones, meetings and KPIs."""
    return (
        Trial.objects.filter(quest=quest)
        .select_related("quest", "proposal__company")
        .prefetch_related("milestones", "meetings", "kpis")
        .first()
    )


def trial_item_of(trial: Trial, kind: str, pk: int):
    """Item `pk` of the trial's `kind` (a key of TRIAL_ITEMS), or Http404."""
    model = TRIAL_ITEMS.get(kind)
    item = model.objects.filter(pk=pk, trial=trial).first() if model else None
    if item is None:
        raise Http404
    return item


def results_report(quest: Quest) -> ResultsReport | None:
    """The quest's results report with who published it, if one was written."""
    return ResultsReport.objects.filter(quest=quest).select_related("published_by").first()


def trial_with_kpis(quest: Quest) -> Trial | None:
    """The quest's trial with its adopted company and its KPIs in order (the results
    page's table)."""
    return (
        Trial.objects.filter(quest=quest)
        .select_related("proposal__company")
        .prefetch_related(Prefetch("kpis", queryset=Kpi.objects.order_by("id")))
        .first()
    )


def public_transitions(quest: Quest) -> list[TrialTransition]:
    """What followed the quest's trial, one record per fiscal year in order, as anyone may
    read it (the quest page, the results page): `shown_amount_yen` is the amount when it
    was marked public and None otherwise; the amount itself is not read from the table."""
    return list(
        TrialTransition.objects.filter(quest=quest)
        .annotate(
            shown_amount_yen=Case(
                When(amount_public=True, then=F("amount_yen")),
                default=Value(None),
                output_field=BigIntegerField(),
            )
        )
        .defer("amount_yen")
        .order_by("fiscal_year", "id")
    )


def transitions_with_history(quest: Quest) -> list[TrialTransition]:
    """The quest's records with every version (newest first) and who saved it: the page
    of those who manage the trial, which shows amounts whether public or not."""
    return list(
        TrialTransition.objects.filter(quest=quest)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=TrialTransitionRevision.objects.select_related("changed_by").order_by(
                    "-changed_at", "-id"
                ),
            )
        )
        .order_by("fiscal_year", "id")
    )


def transition_of(quest: Quest, pk: int) -> TrialTransition:
    """Record `pk` of the quest, or Http404."""
    transition = TrialTransition.objects.filter(quest=quest, pk=pk).first()
    if transition is None:
        raise Http404
    return transition
