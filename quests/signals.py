"""The quests app's public pages (list, overview, Q&A, results, feed, the home page's open
quests) are forgotten by the page cache whenever a row they show changes
(`cocreation.core.page_cache`): the admin and scripts included, not only the services."""

from cocreation.core.page_cache import QUESTS, invalidates

from .models import (
    Kpi,
    Proposal,
    Quest,
    QuestCoHost,
    Question,
    QuestTransition,
    ResultReuse,
    ResultReuseRevision,
    ResultsReport,
    ReviewCriterion,
    SdgGoal,
    SdgTarget,
    SelectionStage,
    TeamMember,
    Theme,
    Trial,
    TrialTransition,
)


def _shown_publicly(proposal: Proposal, update_fields) -> bool:
    """Only adopted proposals reach a public page (the results: company, public summary).
    An adopted proposal never leaves that state through the services; a whole-row save
    of a completed quest's proposal (the admin, a script) may have, so it counts too."""
    if proposal.state == Proposal.State.ADOPTED:
        return True
    return update_fields is None and proposal.quest.state == Quest.State.COMPLETED


invalidates(
    QUESTS,
    Quest,
    Quest.themes.through,
    Quest.sdg_targets.through,
    QuestCoHost,
    QuestCoHost.approvers.through,
    QuestTransition,
    TeamMember,
    Question,
    Trial,
    TrialTransition,
    Kpi,
    ResultsReport,
    # The reuse ledger (横展開) on the quest and results pages, the results list, the
    # dashboard.
    ResultReuse,
    ResultReuseRevision,
    Theme,
    SdgGoal,
    SdgTarget,
    # The quest's page shows its criteria with their points and its timeline; its feed
    # the stages.
    ReviewCriterion,
    SelectionStage,
)
invalidates(QUESTS, Proposal, when=_shown_publicly)
