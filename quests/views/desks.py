"""Proposal desk pages (提案窓口, よこらぼ-style). An open proposal someone may not see
answers 404, never 403, so its existence is not revealed; so does an unpublished
session to anyone outside the desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.pages import paginate

from .. import permissions
from ..forms.desks import (
    AgendaForm,
    BoardDecisionForm,
    BoardScoreForm,
    DepartmentViewForm,
    DeskForm,
    DeskMessageForm,
    MinutesForm,
    OpenProposalForm,
    RouteForm,
    SessionForm,
    TriageForm,
)
from ..models import AgendaItem, DeskCriterion, DeskRouting, OpenProposal
from ..selectors import desks as selectors
from ..services import desks as services


def desk_list(request):
    """Anyone: every proposal desk with its counts."""
    context = {
        "desks": selectors.desk_list(),
        "can_open": bool(permissions.desk_openers(request.user)),
    }
    return render(request, "quests/desks/desk_list.html", context)


def desk_detail(request, pk: int):
    """Anyone: the desk's intake text, criteria, board rules, counts and published
    minutes; signed-in members also see their own organisations' proposals."""
    desk = selectors.desk_or_404(pk)
    user = request.user
    context = {
        "desk": desk,
        "criteria": list(desk.criteria.all()),
        "themes": list(desk.themes.all()),
        "counts": selectors.desk_counts(desk),
        "sessions": list(selectors.desk_sessions(user, desk)),
        "own": list(selectors.own_desk_proposals(user, desk)) if user.is_authenticated else [],
        "can_propose": permissions.can_propose_to_desk(user, desk),
        "works_here": permissions.works_at_desk(user, desk),
        "is_staff": permissions.is_desk_staff(user, desk),
    }
    return render(request, "quests/desks/desk_detail.html", context)


@login_required
def desk_open(request):
    """Municipal staff (for their municipality) and coordinators (for their network):
    open a proposal desk; they become its staff."""
    openers = permissions.desk_openers(request.user)
    if not openers:
        raise PermissionDenied
    form = DeskForm(request.POST or None, openers=openers)
    if request.method == "POST" and form.is_valid():
        kind, opener_id = form.chosen_opener()
        try:
            desk = services.desk_open(
                user=request.user,
                opener=kind,
                opener_id=opener_id,
                data=form.desk_data(),
                themes=form.cleaned_data["themes"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("The desk is open. Site admins add its departments and further staff."),
            )
            return redirect(desk)
    return render(request, "quests/desks/desk_form.html", {"form": form, "desk": None})


@login_required
def desk_edit(request, pk: int):
    """The desk's staff and site admins: its texts, themes and whether it takes proposals."""
    desk = selectors.desk_or_404(pk)
    if not permissions.is_desk_staff(request.user, desk):
        raise PermissionDenied
    form = DeskForm(request.POST or None, instance=desk)
    if request.method == "POST" and form.is_valid():
        try:
            desk = services.desk_update(
                desk=desk,
                user=request.user,
                data=form.desk_data(),
                themes=form.cleaned_data["themes"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The desk was saved."))
            return redirect(desk)
    return render(request, "quests/desks/desk_form.html", {"form": form, "desk": desk})


@login_required
def desk_propose(request, pk: int):
    """Members of any organisation (but the desk's own municipality), while the desk is
    open."""
    desk = selectors.desk_or_404(pk)
    organisations = permissions.proposing_organisations(request.user, desk)
    if not organisations:
        raise PermissionDenied
    if not desk.is_open:
        return refused(request, _("This desk does not take proposals now."), desk)
    form = OpenProposalForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.open_proposal_save(
                desk=desk,
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                data=form.proposal_data(),
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your proposal was sent to the desk."))
            return redirect(proposal)
    return render(
        request, "quests/desks/proposal_form.html", {"desk": desk, "form": form, "proposal": None}
    )


@login_required
def desk_proposal_edit(request, pk: int, proposal_pk: int):
    """Members of the proposing organisation, until the desk has triaged the proposal (or
    after it asked for more information)."""
    proposal = selectors.visible_open_proposal_or_404(request.user, pk, proposal_pk)
    if not permissions.can_edit_open_proposal(request.user, proposal):
        raise PermissionDenied
    form = OpenProposalForm(
        request.POST or None, instance=proposal, organisations=[proposal.organisation]
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.open_proposal_save(
                desk=proposal.desk,
                user=request.user,
                organisation=proposal.organisation,
                data=form.proposal_data(),
                proposal=proposal,
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The proposal was saved."))
            return redirect(proposal)
    return render(
        request,
        "quests/desks/proposal_form.html",
        {"desk": proposal.desk, "form": form, "proposal": proposal},
    )


@login_required
def desk_proposals(request, pk: int):
    """The desk's staff and board reviewers, site admins: every proposal of the desk,
    optionally of one state (`?state=`)."""
    desk = selectors.desk_or_404(pk)
    if not permissions.works_at_desk(request.user, desk):
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state not in OpenProposal.State.values:
        state = ""
    listing = paginate(request, selectors.desk_proposals(request.user, desk, state), per_page=50)
    context = {
        "desk": desk,
        "page": listing.page,
        "query": listing.query,
        "state": state,
        "states": OpenProposal.State.choices,
    }
    return render(request, "quests/desks/proposal_list.html", context)


def _proposal_context(request, proposal: OpenProposal, **forms) -> dict:
    user = request.user
    desk = proposal.desk
    page = selectors.proposal_page(proposal)
    mine = [r for r in page["routings"] if any(m.pk == user.pk for m in r.department.members.all())]
    context = {
        "desk": desk,
        "proposal": proposal,
        **page,
        "show_confidential": permissions.can_read_confidential(user, proposal),
        "is_proposer": permissions.is_open_proposer(user, proposal),
        "can_edit": permissions.can_edit_open_proposal(user, proposal),
        "can_triage": permissions.can_triage(user, proposal),
        "can_route": permissions.can_route(user, proposal),
        "can_message": permissions.can_message_desk(user, proposal),
        "works_here": permissions.works_at_desk(user, desk),
        "my_routings": [
            (r, forms.get("view_form") or DepartmentViewForm(initial={"view": r.view}))
            for r in mine
        ],
        "triage_form": forms.get("triage_form") or TriageForm(),
        "route_form": forms.get("route_form") or RouteForm(desk=desk),
        "message_form": forms.get("message_form") or DeskMessageForm(),
    }
    return context


@login_required
def desk_proposal(request, pk: int, proposal_pk: int):
    """The proposing organisation, the desk's staff and reviewers, site admins, and the
    members of a department it was routed to (they do not read the confidential part)."""
    proposal = selectors.visible_open_proposal_or_404(request.user, pk, proposal_pk)
    return render(
        request, "quests/desks/proposal_detail.html", _proposal_context(request, proposal)
    )


@login_required
@require_POST
def desk_triage(request, pk: int, proposal_pk: int):
    """The desk's staff: more information needed, to the board, or declined."""
    proposal = selectors.visible_open_proposal_or_404(request.user, pk, proposal_pk)
    if not permissions.is_desk_staff(request.user, proposal.desk):
        raise PermissionDenied
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.open_proposal_triage(
                proposal=proposal,
                user=request.user,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The proposal was triaged and the proposer told."))
            return redirect(proposal)
    context = _proposal_context(request, proposal, triage_form=form)
    return render(request, "quests/desks/proposal_detail.html", context, status=400)


@login_required
@require_POST
def desk_route(request, pk: int, proposal_pk: int):
    """The desk's staff: send the proposal to the departments concerned."""
    proposal = selectors.visible_open_proposal_or_404(request.user, pk, proposal_pk)
    if not permissions.is_desk_staff(request.user, proposal.desk):
        raise PermissionDenied
    form = RouteForm(request.POST, desk=proposal.desk)
    if form.is_valid():
        try:
            services.open_proposal_route(
                proposal=proposal, user=request.user, departments=form.cleaned_data["departments"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The departments were asked for their view."))
            return redirect(proposal)
    context = _proposal_context(request, proposal, route_form=form)
    return render(request, "quests/desks/proposal_detail.html", context, status=400)


@login_required
@require_POST
def desk_department_view(request, pk: int, proposal_pk: int, routing_pk: int):
    """Members of the department the proposal was routed to: give its view."""
    proposal = selectors.visible_open_proposal_or_404(request.user, pk, proposal_pk)
    routing = DeskRouting.objects.filter(proposal=proposal, pk=routing_pk).first()
    if routing is None:
        raise Http404
    if not routing.department.members.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    form = DepartmentViewForm(request.POST)
    if form.is_valid():
        try:
            services.department_answer(
                routing=routing, user=request.user, view=form.cleaned_data["view"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The department's view was saved."))
            return redirect(proposal)
    context = _proposal_context(request, proposal, view_form=form)
    return render(request, "quests/desks/proposal_detail.html", context, status=400)


@login_required
@require_POST
def desk_message(request, pk: int, proposal_pk: int):
    """The proposing organisation and the desk's staff: write in the private thread."""
    proposal = selectors.visible_open_proposal_or_404(request.user, pk, proposal_pk)
    if not permissions.can_message_desk(request.user, proposal):
        raise PermissionDenied
    form = DeskMessageForm(request.POST)
    if form.is_valid():
        try:
            services.desk_message_post(
                proposal=proposal, user=request.user, body=form.cleaned_data["body"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(proposal.get_absolute_url() + "#thread")
    context = _proposal_context(request, proposal, message_form=form)
    return render(request, "quests/desks/proposal_detail.html", context, status=400)


# --- The review board -------------------------------------------------------------------


@login_required
def desk_session_create(request, pk: int):
    """The desk's staff: a new dated session of the board."""
    desk = selectors.desk_or_404(pk)
    if not permissions.is_desk_staff(request.user, desk):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                desk=desk,
                user=request.user,
                held_on=form.cleaned_data["held_on"],
                place=form.cleaned_data["place"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The session was created; add proposals to its agenda."))
            return redirect("quests:desk_board", desk.pk, session.pk)
    return render(request, "quests/desks/session_form.html", {"desk": desk, "form": form})


def desk_session(request, pk: int, session_pk: int):
    """Anyone, once the minutes are published (the desk's side before): the public minutes,
    without confidential parts, reasons or scores."""
    desk = selectors.desk_or_404(pk)
    session = selectors.session_or_404(request.user, desk, session_pk)
    context = {
        "desk": desk,
        "minutes": selectors.session_minutes(session),
        "works_here": permissions.works_at_desk(request.user, desk),
    }
    return render(request, "quests/desks/session_minutes.html", context)


def _board_context(request, desk, session, **forms) -> dict:
    user = request.user
    is_staff = permissions.is_desk_staff(user, desk)
    rows = selectors.board_rows(user, session)
    return {
        "desk": desk,
        "session": session,
        "rows": rows,
        "is_staff": is_staff,
        "is_reviewer": permissions.is_desk_reviewer(user, desk),
        "agenda_form": forms.get("agenda_form")
        or AgendaForm(candidates=selectors.board_candidates(session)),
        "decision_form": forms.get("decision_form") or BoardDecisionForm(),
        "decision_item": forms.get("decision_item"),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial={"minutes": session.minutes}),
    }


@login_required
def desk_board(request, pk: int, session_pk: int):
    """The desk's staff and board reviewers, site admins: the session's agenda with the
    scores, the decisions and the minutes to publish."""
    desk = selectors.desk_or_404(pk)
    if not permissions.works_at_desk(request.user, desk):
        raise PermissionDenied
    session = selectors.session_or_404(request.user, desk, session_pk, board=True)
    return render(
        request, "quests/desks/session_board.html", _board_context(request, desk, session)
    )


@login_required
@require_POST
def desk_agenda_add(request, pk: int, session_pk: int):
    """The desk's staff: put a proposal sent to the board on the session's agenda."""
    desk = selectors.desk_or_404(pk)
    if not permissions.is_desk_staff(request.user, desk):
        raise PermissionDenied
    session = selectors.session_or_404(request.user, desk, session_pk, board=True)
    form = AgendaForm(request.POST, candidates=selectors.board_candidates(session))
    if form.is_valid():
        try:
            services.agenda_add(
                session=session, user=request.user, proposal=form.cleaned_data["proposal"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The proposal is on the agenda."))
            return redirect("quests:desk_board", desk.pk, session.pk)
    context = _board_context(request, desk, session, agenda_form=form)
    return render(request, "quests/desks/session_board.html", context, status=400)


def _item_or_404(desk, session, item_pk: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(session=session, pk=item_pk)
        .select_related("proposal__organisation", "proposal__desk")
        .first()
    )
    if item is None:
        raise Http404
    item.session = session
    session.desk = desk
    return item


@login_required
def desk_score(request, pk: int, session_pk: int, item_pk: int):
    """Board reviewers (never for their own organisation's proposal), before the
    decision: score the item on each of the desk's criteria."""
    desk = selectors.desk_or_404(pk)
    if not permissions.works_at_desk(request.user, desk):
        raise PermissionDenied
    session = selectors.session_or_404(request.user, desk, session_pk, board=True)
    item = _item_or_404(desk, session, item_pk)
    if not permissions.can_score_item(request.user, item):
        raise PermissionDenied
    criteria = DeskCriterion.objects.filter(desk=desk)
    mine = {s.criterion_id: s for s in item.scores.filter(reviewer=request.user)}
    form = BoardScoreForm(request.POST or None, criteria=criteria, mine=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(item=item, user=request.user, scores=form.scores())
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("quests:desk_board", desk.pk, session.pk)
    context = {"desk": desk, "session": session, "item": item, "form": form}
    return render(request, "quests/desks/score_form.html", context)


@login_required
@require_POST
def desk_decide(request, pk: int, session_pk: int, item_pk: int):
    """The desk's staff: record the board's decision (adopted / not adopted / carried
    over) with the reason sent to the proposer; an adoption starts the project."""
    desk = selectors.desk_or_404(pk)
    if not permissions.is_desk_staff(request.user, desk):
        raise PermissionDenied
    session = selectors.session_or_404(request.user, desk, session_pk, board=True)
    item = _item_or_404(desk, session, item_pk)
    if not permissions.can_decide_item(request.user, item):
        raise PermissionDenied
    form = BoardDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.board_decide(
                item=item,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The decision was recorded and the proposer told."))
            return redirect("quests:desk_board", desk.pk, session.pk)
    context = _board_context(request, desk, session, decision_form=form, decision_item=item.pk)
    return render(request, "quests/desks/session_board.html", context, status=400)


@login_required
@require_POST
def desk_minutes(request, pk: int, session_pk: int):
    """The desk's staff: save and publish (or withdraw) the session's public minutes."""
    desk = selectors.desk_or_404(pk)
    if not permissions.is_desk_staff(request.user, desk):
        raise PermissionDenied
    session = selectors.session_or_404(request.user, desk, session_pk, board=True)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.session_publish(
                session=session,
                user=request.user,
                minutes=form.cleaned_data["minutes"],
                publish=form.cleaned_data["publish"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect("quests:desk_board", desk.pk, session.pk)
    context = _board_context(request, desk, session, minutes_form=form)
    return render(request, "quests/desks/session_board.html", context, status=400)
