"""What followed a quest's trial, on the quest page and its results page: both include
`quests/trial/_transitions.html`, which loads this tag, so neither view needs to know."""

from django import template

from cocreation.core.dates import fiscal_year_label

from ..models import Quest
from ..selectors.trial import public_transitions
from ..services.trial import TRANSITION_STATES

register = template.Library()


@register.inclusion_tag("quests/trial/_transitions_list.html", takes_context=True)
def trial_transitions(context) -> dict:
    """`{% trial_transitions %}` in a quest page (its context has `quest` and `may`): the
    public records, one per fiscal year (the amount only where marked public), and for
    those who manage the trial a link to record or change them; one query."""
    quest: Quest = context["quest"]
    may = context.get("may") or {}
    records = public_transitions(quest) if quest.state in TRANSITION_STATES else []
    for record in records:
        record.fiscal_year_label = fiscal_year_label(record.fiscal_year)
    return {
        "quest": quest,
        "transitions": records,
        "may_record": bool(may.get("manage_trial")) and quest.state in TRANSITION_STATES,
    }


@register.filter
def fiscal_year(value) -> str:
    """`{{ 2025|fiscal_year }}`: 2025年度 (FY2025 in English)."""
    return fiscal_year_label(int(value)) if value not in (None, "") else ""
