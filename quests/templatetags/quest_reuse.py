"""The municipalities that reused a quest's result (横展開), on the quest page and its
results page: both include `quests/reuse/_ledger.html`, which loads this tag, so neither
view needs to know."""

from django import template

from .. import permissions
from ..models import Quest
from ..selectors.reuse import public_reuses, with_private_notes

register = template.Library()


@register.inclusion_tag("quests/reuse/_ledger_list.html", takes_context=True)
def quest_reuses(context) -> dict:
    """`{% quest_reuses %}` in a quest page (its context has `quest` and `user`): for a
    completed quest, the municipalities that reused its result with their 地方公共団体コード,
    status and public notes, private notes for those who may read them, a link to the
    ledger and, for staff of another municipality, one to record their own. Two queries
    at most; nothing for a quest not completed."""
    quest: Quest = context["quest"]
    user = context.get("user")
    if quest.state != Quest.State.COMPLETED:
        return {"show": False}
    entries = with_private_notes(user, quest, public_reuses(quest))
    return {
        "show": True,
        "quest": quest,
        "entries": entries,
        "may_record": permissions.can_record_reuse(user, quest),
    }
