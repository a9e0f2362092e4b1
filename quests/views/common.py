"""What every quest page needs: the quest (or a 404 for those who may not see it) and
the answers to "may this user…?" that the quest's navigation and buttons use."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, resolve_url

from .. import permissions
from ..models import Proposal, Quest


def get_visible_quest(request, pk: int, queryset=None) -> Quest:
    """The quest, or 404: a draft someone may not see does not exist for them."""
    queryset = queryset if queryset is not None else Quest.objects.all()
    quest = get_object_or_404(
        queryset.select_related("host").prefetch_related("co_hosts", "team"), pk=pk
    )
    if not permissions.can_view_quest(request.user, quest):
        raise Http404
    return quest


def quest_context(request, quest: Quest, section: str) -> dict:
    """Context shared by the quest's pages: `quest`, `section` and `may` (permissions)."""
    user = request.user
    may = {
        "edit": permissions.can_edit_quest(user, quest),
        "change_state": permissions.can_change_state(user, quest),
        "join_team": permissions.can_join_team(user, quest),
        "manage_team": permissions.can_manage_team(user, quest),
        "propose": permissions.can_propose(user, quest),
        "ask": permissions.can_ask_question(user, quest),
        "answer": permissions.can_answer_question(user, quest),
        "see_all_proposals": permissions.sees_all_proposals(user, quest),
        "view_trial": permissions.can_view_trial(user, quest)
        if quest.state in (Quest.State.IN_TRIAL, Quest.State.COMPLETED)
        else False,
        "manage_trial": permissions.can_manage_trial(user, quest),
        "reuse": permissions.can_reuse_quest(user, quest),
        "is_team_member": permissions.is_team_member(user, quest),
        "company_member": permissions.roles.is_company_member(user),
    }
    own_proposal = None
    if may["company_member"]:
        # A company has one live proposal per quest: offer it instead of a second one.
        own_proposal = (
            Proposal.objects.filter(quest=quest, company__in=permissions.roles.companies_of(user))
            .exclude(state=Proposal.State.WITHDRAWN)
            .first()
        )
        if own_proposal is not None:
            may["propose"] = False
    return {"quest": quest, "section": section, "may": may, "own_proposal": own_proposal}


def refused(request, message: str, to, *args) -> HttpResponseRedirect:
    """Redirect to `to` (a URL, a model, or a URL name with `args`) saying why the POST
    was refused. The error message also tells OnceMiddleware that nothing was done, so
    the same form sent again runs again."""
    messages.error(request, message)
    return HttpResponseRedirect(resolve_url(to, *args))
