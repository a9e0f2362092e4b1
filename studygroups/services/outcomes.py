"""Outcomes: what each team's research led to, kept for the public archive, and a quest
started from a team's final proposal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cocreation.core.errors import PortalError
from cocreation.core.search import store_documents

from .. import permissions
from ..errors import StudyError
from ..models import OUTCOME_SEARCH_PATHS, Outcome, Team, outcome_search_document


def outcome_save(
    *, team: Team, user, proposal_title: str, summary: str, implemented: str = ""
) -> Outcome:
    """A team's outcome for the archive; one per team, whoever saves it first (the team's
    one-to-one row settles two first saves at once). Raises StudyError for anyone but the
    cohort's coordinators."""
    if not permissions.is_coordinator(user, team.cohort):
        raise StudyError(_("Only the cohort's coordinators record outcomes."))
    outcome, _created = Outcome.objects.update_or_create(
        team=team,
        defaults={"proposal_title": proposal_title, "summary": summary, "implemented": implemented},
    )
    return outcome


def outcome_to_quest(*, outcome: Outcome, user):
    """Start a draft quest from a team's final proposal, as the 2020 しごと team's proposal
    became the 自治体クエスト, hosted by the first municipality `user` may host quests for.
    The outcome row is locked, so two clicks at once start one quest, not two. Returns the
    quest; raises StudyError (no municipality to host it, a quest already started, or the
    quests app's refusal)."""
    from quests.services.quests import hosts_user_may_choose, quest_create

    if not permissions.is_coordinator(user, outcome.team.cohort):
        raise StudyError(_("Only the cohort's coordinators record outcomes."))
    host = hosts_user_may_choose(user).first()
    if host is None:
        raise StudyError(_("Only municipal staff can start a quest."))
    with transaction.atomic():
        locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if locked.quest_id:
            raise StudyError(_("A quest was already started from this proposal."))
        try:
            quest = quest_create(
                user=user,
                host=host,
                data={
                    "title": locked.proposal_title[:200],
                    "summary": locked.summary[:1000],
                    "background": locked.summary,
                    "outcome_sought": locked.implemented or locked.proposal_title,
                },
            )
        except PortalError as error:
            raise StudyError(error.message, field=error.field, code=error.code) from None
        locked.quest = quest
        locked.save(update_fields=["quest"])
    return quest


def outcome_search_refresh(*, cohorts) -> int:
    """Recompute the stored search text and bigrams (cocreation.core.search) of the
    outcomes of `cohorts` (a queryset or list of cohorts or their ids), after their
    titles, fields, team names or organiser changed. Returns how many outcomes changed."""
    rows = Outcome.objects.filter(team__cohort__in=cohorts).values_list(
        "pk", "search_text", *OUTCOME_SEARCH_PATHS
    )
    changed = []
    for pk, stored, *values in rows:
        document = outcome_search_document(values)
        if document.text != stored:
            changed.append((pk, document))
    return store_documents(Outcome, changed)
