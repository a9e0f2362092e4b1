"""The staged selection: the selection page (the team's table of stage results and the
interview slots; a proposer's own results and slot), the stages' dates, stage results,
slots offered, booked, moved and cancelled, and the quest's Atom feed of its stages.

A proposal another company cannot see answers 404, as on the proposal pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation import permissions as roles
from cocreation.core.dates import jdate
from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.inputs import output_multiline, output_single_line

from .. import permissions
from ..forms.selection import InterviewSlotForm, SlotBookingForm, StageResultForm, StagesForm
from ..models import Proposal, Quest
from ..selectors import selection as selectors
from ..selectors.proposals import visible_proposal_or_404
from ..selectors.quests import quest_page_context, visible_quest_or_404
from ..services import selection as services


def _may_open(user, quest) -> bool:
    return (
        permissions.sees_all_proposals(user, quest)
        or permissions.can_edit_quest(user, quest)
        or roles.is_company_member(user)
    )


def _selection_url(quest) -> str:
    return reverse("quests:selection", args=[quest.pk])


def _render_selection(request, quest, *, bound_result=None, slot_form=None, status=200):
    """The selection page; `bound_result` (proposal pk, a refused StageResultForm) in
    place of that row's empty form, `slot_form` (a refused slot) in place of the empty one."""
    user = request.user
    context = quest_page_context(user, quest, "selection")
    stages = selectors.stages_of(quest)
    team_side = permissions.sees_all_proposals(user, quest)
    rows = selectors.team_table(quest, stages) if team_side else []
    for row in rows:
        proposal = row["proposal"]
        if bound_result is not None and bound_result[0] == proposal.pk:
            row["form"] = bound_result[1]
        elif (
            row["next"] is not None
            and quest.state == Quest.State.SELECTING
            and permissions.can_record_stage_result(user, proposal)
        ):
            row["form"] = StageResultForm(
                quest=quest, initial={"stage": row["next"].pk}, prefix=f"p{proposal.pk}"
            )
        else:
            row["form"] = None
    manage = permissions.can_manage_selection(user, quest)
    own = selectors.own_entries(user, quest, stages) if roles.is_company_member(user) else []
    context |= {
        "timeline": selectors.timeline(quest),
        "stages": stages,
        "screenings": selectors.screenings(stages),
        "team_side": team_side,
        "rows": rows,
        "manage": manage,
        "slots": list(selectors.slots_of(quest)) if (team_side or manage) else [],
        "slot_form": slot_form or (InterviewSlotForm() if manage else None),
        "own": own,
        "open_slots": selectors.open_slots(quest)
        if any(entry["may_book"] for entry in own)
        else [],
    }
    return render(request, "quests/selection/selection.html", context, status=status)


@login_required
def selection(request, pk: int):
    """The quest team, coordinators, site admins (every proposal's stage results, the
    slots with who booked them); those who may edit the quest (the stages and slots);
    company members (their own proposals' results and the slots they may book)."""
    quest = visible_quest_or_404(request.user, pk, selectors.quest_with_stages(pk))
    if not _may_open(request.user, quest):
        raise PermissionDenied
    return _render_selection(request, quest)


@login_required
def selection_stages(request, pk: int):
    """Those who may edit the quest (host staff, its team, coordinators, site admins):
    the dates of the selection's stages."""
    quest = visible_quest_or_404(request.user, pk, selectors.quest_with_stages(pk))
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    if not permissions.can_manage_selection(request.user, quest):
        return refused(request, _("A completed or cancelled quest can no longer be edited."), quest)
    form = StagesForm(request.POST or None, stages=selectors.stages_of(quest))
    if request.method == "POST" and form.is_valid():
        try:
            services.stages_update(quest=quest, user=request.user, rows=form.rows())
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The selection's stages were saved."))
            return redirect("quests:selection", quest.pk)
    context = quest_page_context(request.user, quest, "selection")
    context["form"] = form
    return render(request, "quests/selection/stages_form.html", context)


@login_required
@require_POST
def proposal_stage_result(request, quest_pk: int, pk: int):
    """The team leader, lead host staff, co-host approvers, coordinators, site admins:
    record whether the proposal passes its next screening stage."""
    proposal = visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_record_stage_result(request.user, proposal):
        raise PermissionDenied
    quest = visible_quest_or_404(request.user, quest_pk, selectors.quest_with_stages(quest_pk))
    form = StageResultForm(request.POST, quest=quest, prefix=f"p{proposal.pk}")
    if form.is_valid():
        try:
            result = services.stage_result_record(
                proposal=proposal,
                stage=form.cleaned_data["stage"],
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(stage)s of “%(proposal)s”: %(outcome)s. The company was told.")
                % {
                    "stage": result.stage.get_kind_display(),
                    "proposal": proposal.title,
                    "outcome": result.get_outcome_display(),
                },
            )
            return redirect(_selection_url(quest) + f"#proposal-{proposal.pk}")
    return _render_selection(request, quest, bound_result=(proposal.pk, form), status=400)


@login_required
def interview_slot_add(request, pk: int):
    """Those who may edit the quest: offer an interview slot (the form is also on the
    selection page)."""
    quest = visible_quest_or_404(request.user, pk, selectors.quest_with_stages(pk))
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    if not permissions.can_manage_selection(request.user, quest):
        return refused(request, _("A completed or cancelled quest can no longer be edited."), quest)
    if request.method != "POST":
        return redirect(_selection_url(quest) + "#slot-form")
    form = InterviewSlotForm(request.POST)
    if form.is_valid():
        try:
            services.slot_create(quest=quest, user=request.user, **form.cleaned_data)
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The interview slot was offered."))
            return redirect(_selection_url(quest) + "#slots")
    return _render_selection(request, quest, slot_form=form, status=400)


@login_required
@require_POST
def interview_slot_delete(request, pk: int, item_pk: int):
    """Those who may edit the quest: remove a slot nobody booked."""
    quest = visible_quest_or_404(request.user, pk)
    if not permissions.can_edit_quest(request.user, quest):
        raise PermissionDenied
    slot = selectors.slot_of_or_404(quest, item_pk)
    try:
        services.slot_delete(slot=slot, user=request.user)
    except PortalError as error:
        return refused(request, error, _selection_url(quest))
    messages.success(request, _("The interview slot was removed."))
    return redirect(_selection_url(quest) + "#slots")


def _own_proposal_or_404(user, quest, form) -> Proposal:
    proposal_pk = form.cleaned_data["proposal"] if form.is_valid() else 0
    return visible_proposal_or_404(user, quest.pk, proposal_pk)


@login_required
@require_POST
def interview_slot_book(request, pk: int, item_pk: int):
    """Members of a proposing company whose proposal is invited to the interview: book
    the slot (moving from the one held before)."""
    quest = visible_quest_or_404(request.user, pk)
    if not roles.is_company_member(request.user):
        raise PermissionDenied
    slot = selectors.slot_of_or_404(quest, item_pk)
    proposal = _own_proposal_or_404(request.user, quest, SlotBookingForm(request.POST))
    try:
        booked = services.slot_book(slot=slot, proposal=proposal, user=request.user)
    except PortalError as error:
        return refused(request, error, _selection_url(quest))
    messages.success(
        request,
        _("Your interview is booked for %(date)s %(start)s–%(end)s (JST).")
        % {
            "date": jdate(booked.held_on),
            "start": f"{booked.starts_at:%H:%M}",
            "end": f"{booked.ends_at:%H:%M}",
        },
    )
    return redirect(_selection_url(quest) + "#own")


@login_required
@require_POST
def interview_slot_cancel(request, pk: int, item_pk: int):
    """Members of the company that booked the slot: give it up before it starts."""
    quest = visible_quest_or_404(request.user, pk)
    if not roles.is_company_member(request.user):
        raise PermissionDenied
    slot = selectors.slot_of_or_404(quest, item_pk)
    try:
        services.slot_cancel(slot=slot, user=request.user)
    except PortalError as error:
        return refused(request, error, _selection_url(quest))
    messages.success(request, _("Your interview slot was cancelled."))
    return redirect(_selection_url(quest) + "#own")


class QuestStagesFeed(Feed):
    """Anyone: one quest's selection stages as Atom entries (a draft's or a cancelled
    quest's feed does not exist). Stored text is cleaned on the way out, as in the
    portal's other feeds."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def get_object(self, request, pk: int):
        return selectors.quest_for_feed_or_404(pk)

    def title(self, obj):
        return _("Selection of %(quest)s") % {"quest": output_single_line(obj.title)}

    def subtitle(self, obj):
        return _("The dated stages of the quest's selection, published by %(host)s.") % {
            "host": output_single_line(obj.host.name)
        }

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        stages = selectors.stages_of(obj)
        for stage in stages:
            stage.quest = obj
        return stages

    def item_title(self, item):
        when = jdate(item.starts_on)
        if item.ends_on and item.ends_on != item.starts_on:
            when = f"{when}〜{jdate(item.ends_on)}"
        return f"{item.get_kind_display()}: {when}"

    def item_description(self, item):
        return output_multiline(item.note)

    def item_link(self, item):
        return item.quest.get_absolute_url() + f"#stage-{item.kind}"

    def item_guid(self, item):
        return f"quest-{item.quest_id}-stage-{item.kind}"

    def item_pubdate(self, item):
        return item.updated_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return output_single_line(item.quest.host.name)
