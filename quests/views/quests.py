"""Quest pages: the list, a quest's overview, creating and editing, state, team, criteria."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation import permissions as roles
from cocreation.core.inputs import query_int

from .. import permissions, selectors
from ..filters import QuestFilter
from ..forms import (
    CriterionFormSet,
    QuestForm,
    ReuseForm,
    TeamJoinForm,
    TeamMemberForm,
    TransitionForm,
)
from ..models import Quest, ReviewCriterion, TeamMember
from ..services import quests as services
from .common import get_visible_quest, quest_context, refused


def quest_list(request):
    """Anyone, signed in or not: quests that are no longer drafts; drafts to their editors.
    Search conditions that are not understood are left out, and the page says so."""
    data = request.GET.copy()
    # The order the list shows when none is chosen, so the form says what the list does.
    data.setdefault("sort", "-created")
    filterset = QuestFilter.understood(
        data, queryset=selectors.quests_for_list(request.user), request=request
    )
    page_number = query_int(request.GET.get("page"))
    ignored = list(filterset.ignored)
    if request.GET.get("page") and page_number is None:
        ignored.append(str(_("Page")))
    if ignored:
        messages.warning(
            request,
            _("Some search conditions were not understood and were left out: %(fields)s.")
            % {"fields": "、".join(ignored)},
        )
    page = Paginator(filterset.qs, 20).get_page(page_number or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quests/quest_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_create": permissions.can_create_quest(request.user),
            "is_company_member": roles.is_company_member(request.user),
        },
    )


def quest_detail(request, pk: int):
    """Anyone who may see the quest (drafts: its editors only; others get 404)."""
    return _render_detail(request, pk)


def _render_detail(request, pk: int, *, transition_form: TransitionForm | None = None):
    """The quest page; with `transition_form` (a refused move, bound) in place of the
    empty form of its move, with its errors and the text typed, answering 400."""
    quest = get_visible_quest(request, pk, selectors.quest_for_detail(pk))
    context = quest_context(request, quest, "overview")
    transition_forms = (
        [
            (TransitionForm(initial={"to_state": state}), services.MOVE_LABELS[state])
            for state in services.allowed_moves(quest)
        ]
        if context["may"]["change_state"]
        else []
    )
    if transition_form is not None:
        refused_state = transition_form.initial["to_state"]
        kept = [
            (f, label) for f, label in transition_forms if f.initial["to_state"] != refused_state
        ]
        # The move may no longer be offered (the quest moved meanwhile): it is shown
        # first anyway, so that the text typed is not lost.
        transition_forms = [(transition_form, services.MOVE_LABELS.get(refused_state, ""))] + kept
    context.update(
        team=permissions.team_of(quest),
        my_membership=permissions.team_membership(request.user, quest),
        join_form=TeamJoinForm(municipalities=roles.municipalities_of(request.user))
        if context["may"]["join_team"]
        else None,
        role_form_choices=TeamMember.Role.choices,
        transition_forms=transition_forms,
        show_private_notes=context["may"]["edit"] or context["may"]["is_team_member"],
        offers=[Quest.Offer(value).label for value in quest.offers if value in Quest.Offer.values],
    )
    if context["may"]["see_all_proposals"]:
        context["proposal_counts"] = selectors.proposal_counts(quest)
    if context["may"]["is_team_member"] or context["may"]["edit"]:
        context["bookings"] = selectors.upcoming_bookings(quest)
    status = 200 if transition_form is None else 400
    return render(request, "quests/quest_detail.html", context, status=status)


@login_required
def quest_create(request):
    """Municipal staff (for their municipality), coordinators (their region), site admins."""
    if not permissions.can_create_quest(request.user):
        raise PermissionDenied
    hosts = services.hosts_user_may_choose(request.user)
    form = QuestForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            quest = services.quest_create(
                user=request.user,
                host=form.cleaned_data["host"],
                data=form.quest_data(),
                themes=form.cleaned_data["themes"],
                sdg_targets=form.cleaned_data["sdg_targets"],
                co_hosts=form.cleaned_data["co_hosts"],
            )
        except services.QuestError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("The quest was saved as a draft. Open it for proposals when ready.")
            )
            return redirect(quest)
    return render(request, "quests/quest_form.html", {"form": form, "quest": None})


@login_required
def quest_edit(request, pk: int):
    """Host staff, the quest team, coordinators of the host's region, site admins."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    if quest.state in permissions.CLOSED_STATES:
        return refused(request, _("A completed or cancelled quest can no longer be edited."), quest)
    form = QuestForm(
        request.POST or None, instance=quest, hosts=services.hosts_user_may_choose(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quest_update(
                quest=quest,
                user=request.user,
                data=form.quest_data(),
                themes=form.cleaned_data["themes"],
                sdg_targets=form.cleaned_data["sdg_targets"],
                co_hosts=form.cleaned_data["co_hosts"],
            )
        except services.QuestError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The quest was updated."))
            return redirect(quest)
    return render(request, "quests/quest_form.html", {"form": form, "quest": quest})


@login_required
@require_POST
def quest_transition(request, pk: int):
    """The team leader, host staff, coordinators, site admins: move the quest on."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_change_state(request.user, quest):
        raise PermissionDenied
    form = TransitionForm(request.POST, initial={"to_state": request.POST.get("to_state")})
    if not form.is_valid():
        if "to_state" in form.errors:
            return refused(request, _("Choose one of the moves the page offers."), quest)
        # The comment or note was refused: the page again, with the text typed.
        return _render_detail(request, quest.pk, transition_form=form)
    to_state = form.cleaned_data["to_state"]
    try:
        services.quest_transition(
            quest=quest,
            user=request.user,
            to_state=to_state,
            comment=form.cleaned_data["comment"].strip(),
            private_note=form.cleaned_data["private_note"].strip(),
        )
    except services.QuestError as error:
        if not (form.cleaned_data["comment"].strip() or form.cleaned_data["private_note"].strip()):
            return refused(request, error.message, quest)
        form.add_error(None, error.message)
        return _render_detail(request, quest.pk, transition_form=form)
    messages.success(
        request,
        _("The quest is now “%(state)s”.") % {"state": Quest.State(to_state).label},
    )
    return redirect(quest)


@login_required
@require_POST
def team_join(request, pk: int):
    """Municipal staff of any municipality: join the quest team."""
    quest = get_visible_quest(request, pk)
    form = TeamJoinForm(request.POST, municipalities=roles.municipalities_of(request.user))
    if "organisation" in request.POST and not form.is_valid():
        return refused(request, _("Choose a municipality you work for."), quest)
    organisation = form.cleaned_data["organisation"] if form.is_valid() else None
    try:
        services.team_join(quest=quest, user=request.user, organisation=organisation)
    except services.QuestError as error:
        return refused(request, error.message, quest)
    messages.success(request, _("You joined the quest team."))
    return redirect(quest)


@login_required
@require_POST
def team_leave(request, pk: int):
    """Team members: leave the team (a last leader must hand over first)."""
    quest = get_visible_quest(request, pk)
    try:
        services.team_leave(quest=quest, user=request.user)
    except services.QuestError as error:
        return refused(request, error.message, quest)
    messages.success(request, _("You left the quest team."))
    return redirect(quest)


@login_required
@require_POST
def team_member(request, pk: int, member_pk: int):
    """The leader, host staff, coordinators, site admins: change a member's role or remove."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_manage_team(request.user, quest):
        raise PermissionDenied
    member = get_object_or_404(TeamMember, pk=member_pk, quest=quest)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        return refused(request, _("Choose a valid role."), quest)
    try:
        if form.cleaned_data["action"] == "remove":
            services.team_remove(quest=quest, user=request.user, member=member)
            messages.success(request, _("The member was removed from the team."))
        else:
            services.team_set_role(
                quest=quest, user=request.user, member=member, role=form.cleaned_data["role"]
            )
            messages.success(request, _("The role was changed."))
    except services.QuestError as error:
        return refused(request, error.message, quest)
    return redirect(quest)


@login_required
def quest_criteria(request, pk: int):
    """Those who may edit the quest: the review criteria (default: Urban Innovation's five)."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    queryset = ReviewCriterion.objects.filter(quest=quest).order_by("position", "id")
    formset = CriterionFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        rows = []
        for form in formset.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            data = form.cleaned_data
            rows.append(
                {
                    # The row's own criterion, looked up among this quest's criteria by
                    # the formset (never the posted id of an added row).
                    "id": form.instance.pk,
                    "name": data.get("name", ""),
                    "description": data.get("description", ""),
                    "delete": data.get("DELETE", False),
                    "form": form,
                }
            )
        try:
            services.criteria_update(quest=quest, user=request.user, rows=rows)
        except services.QuestError as error:
            if error.field and error.row is not None:
                rows[error.row]["form"].add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, _("The review criteria were saved."))
            return redirect("quests:criteria", quest.pk)
    context = quest_context(request, quest, "overview")
    context["formset"] = formset
    return render(request, "quests/quest_criteria.html", context)


@login_required
def quest_reuse(request, pk: int):
    """Municipal staff: start a new draft quest from a completed one."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_reuse_quest(request.user, quest):
        if quest.state != Quest.State.COMPLETED:
            raise Http404
        raise PermissionDenied
    hosts = services.hosts_user_may_choose(request.user)
    form = ReuseForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.quest_reuse(
                source=quest, user=request.user, host=form.cleaned_data["host"]
            )
        except services.QuestError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("A new draft quest was started from “%(title)s”. Adapt it to your municipality.")
                % {"title": quest.title},
            )
            return redirect("quests:edit", new.pk)
    context = quest_context(request, quest, "overview")
    context["form"] = form
    return render(request, "quests/quest_reuse.html", context)
