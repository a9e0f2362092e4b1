"""The trial and the results report as their pages read them."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from ..models import TRIAL_ITEMS, Kpi, Quest, ResultsReport, Trial


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
