"""Proposal pages. A proposal another company cannot see answers 404, never 403, so its
existence is not revealed."""

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
from cocreation.core.uploads import attachment_response

from .. import permissions
from .. import selectors_proposals as selectors
from ..forms_proposals import (
    DecisionForm,
    MessageForm,
    ProposalForm,
    PublicSummaryForm,
    ReviewForm,
    WithdrawForm,
)
from ..models import Proposal, ProposalAttachment
from ..services import proposals as services
from .common import get_visible_quest, quest_context, refused


def _proposal_or_404(request, quest_pk: int, pk: int) -> Proposal:
    proposal = selectors.proposal_for_detail(request.user, quest_pk, pk)
    if proposal is None or not permissions.can_view_proposal(request.user, proposal):
        raise Http404
    return proposal


@login_required
def proposal_list(request, pk: int):
    """The quest team, coordinators, site admins: every submitted proposal.
    Company members: their own company's proposals for this quest."""
    quest = get_visible_quest(request, pk)
    if not (
        permissions.sees_all_proposals(request.user, quest) or roles.is_company_member(request.user)
    ):
        raise PermissionDenied
    context = quest_context(request, quest, "proposals")
    context["proposals"] = selectors.proposals_for_quest(request.user, quest)
    return render(request, "quests/proposals/proposal_list.html", context)


@login_required
def proposal_create(request, pk: int):
    """Company members, while the quest accepts proposals."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_propose(request.user, quest):
        if roles.is_company_member(request.user):
            return refused(request, _("This quest does not accept proposals now."), quest)
        raise PermissionDenied
    companies = roles.companies_of(request.user)
    form = ProposalForm(request.POST or None, request.FILES or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_save(
                quest=quest,
                user=request.user,
                company=form.cleaned_data["company"],
                data=form.proposal_data(),
                files=form.cleaned_data["attachments"],
                submit="submit" in request.POST,
            )
        except services.ProposalError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if proposal.state == Proposal.State.SUBMITTED:
                messages.success(request, _("Your proposal was submitted to the quest team."))
            else:
                messages.success(request, _("Your draft was saved. Only your company can see it."))
            return redirect(proposal)
    context = quest_context(request, quest, "proposals")
    context.update(form=form, proposal=None)
    return render(request, "quests/proposals/proposal_form.html", context)


@login_required
def proposal_edit(request, quest_pk: int, pk: int):
    """Members of the proposing company, until the quest closes or review starts."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    quest = get_visible_quest(request, quest_pk)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        instance=proposal,
        companies=[proposal.company],
        existing_attachments=len(proposal.attachments.all()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_save(
                quest=quest,
                user=request.user,
                company=proposal.company,
                data=form.proposal_data(),
                files=form.cleaned_data["attachments"],
                submit="submit" in request.POST,
                proposal=proposal,
            )
        except services.ProposalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The proposal was saved."))
            return redirect(proposal)
    context = quest_context(request, quest, "proposals")
    context.update(form=form, proposal=proposal)
    return render(request, "quests/proposals/proposal_form.html", context)


def _detail_context(request, proposal: Proposal) -> dict:
    quest = get_visible_quest(request, proposal.quest_id)
    user = request.user
    context = quest_context(request, quest, "proposals")
    criteria = list(quest.criteria.all())
    my_review = next((r for r in proposal.reviews.all() if r.reviewer_id == user.id), None)
    team_side = permissions.sees_all_proposals(user, quest) and not (
        permissions.is_proposing_company_member(user, proposal)
    )
    context.update(
        proposal=proposal,
        team_side=team_side,
        company_side=permissions.is_proposing_company_member(user, proposal),
        can_edit=permissions.can_edit_proposal(user, proposal),
        can_withdraw=permissions.can_withdraw_proposal(user, proposal),
        can_review=permissions.can_review(user, proposal),
        can_decide=permissions.can_decide_proposal(user, proposal)
        and proposal.state in services.DECISIONS | {"submitted", "under_review"}
        and proposal.state not in {"adopted", "not_adopted"},
        can_message=permissions.can_message_on_proposal(user, proposal),
        my_review=my_review,
        # Reviews of others are shown to the team side only, so scores stay internal.
        reviews=[r for r in proposal.reviews.all()] if team_side else [],
        averages=selectors.criterion_averages(proposal, criteria) if team_side else [],
        decision_form=DecisionForm(),
        message_form=MessageForm(),
        summary_form=PublicSummaryForm(initial={"public_summary": proposal.public_summary}),
    )
    return context


@login_required
def proposal_detail(request, quest_pk: int, pk: int):
    """The proposing company, the quest team, coordinators of the region, site admins."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    return render(
        request, "quests/proposals/proposal_detail.html", _detail_context(request, proposal)
    )


@login_required
@require_POST
def proposal_submit(request, quest_pk: int, pk: int):
    """Members of the proposing company: submit a draft."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    data = {name: getattr(proposal, name) for name in services.PROPOSAL_FIELDS}
    try:
        services.proposal_save(
            quest=proposal.quest,
            user=request.user,
            company=proposal.company,
            data=data,
            submit=True,
            proposal=proposal,
        )
    except services.ProposalError as error:
        return refused(request, error.message, proposal)
    messages.success(request, _("Your proposal was submitted to the quest team."))
    return redirect(proposal)


@login_required
def proposal_withdraw(request, quest_pk: int, pk: int):
    """Members of the proposing company: withdraw (asks for confirmation first)."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_withdraw_proposal(request.user, proposal):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_withdraw(
                proposal=proposal, user=request.user, reason=form.cleaned_data["reason"].strip()
            )
        except services.ProposalError as error:
            # Decided meanwhile: the page again with the reason typed and why.
            form.add_error(None, error.message)
            status = 400
        else:
            messages.success(request, _("The proposal was withdrawn."))
            return redirect(proposal)
    else:
        status = 200
    context = _detail_context(request, proposal)
    context["form"] = form
    return render(request, "quests/proposals/proposal_withdraw.html", context, status=status)


@login_required
@require_POST
def proposal_start_review(request, quest_pk: int, pk: int):
    """Quest team members: mark a submitted proposal as under review."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_review(request.user, proposal):
        raise PermissionDenied
    services.proposal_start_review(proposal=proposal, user=request.user)
    return redirect(proposal)


@login_required
def proposal_review(request, quest_pk: int, pk: int):
    """Quest team members (not of the proposing company): their own scores and comments."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_review(request.user, proposal):
        raise PermissionDenied
    my_review = next((r for r in proposal.reviews.all() if r.reviewer_id == request.user.id), None)
    form = ReviewForm(
        request.POST or None, criteria=proposal.quest.criteria.all(), review=my_review
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                proposal=proposal,
                user=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                conflict=form.cleaned_data["conflict"],
                conflict_note=form.cleaned_data["conflict_note"],
            )
        except services.ProposalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your review was saved."))
            return redirect(proposal)
    context = _detail_context(request, proposal)
    context["form"] = form
    return render(request, "quests/proposals/proposal_review.html", context)


@login_required
@require_POST
def proposal_decide(request, quest_pk: int, pk: int):
    """The team leader, host staff, coordinators, site admins: record the decision."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_decide_proposal(request.user, proposal):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                proposal=proposal,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"].strip(),
            )
        except services.ProposalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision was recorded and the company notified."))
            return redirect(proposal)
    context = _detail_context(request, proposal)
    context["decision_form"] = form
    return render(request, "quests/proposals/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_message(request, quest_pk: int, pk: int):
    """The proposing company and the team side: write in the private thread."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    if not permissions.can_message_on_proposal(request.user, proposal):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        services.message_post(proposal=proposal, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your message was sent."))
        return redirect(proposal.get_absolute_url() + "#thread")
    context = _detail_context(request, proposal)
    context["message_form"] = form
    return render(request, "quests/proposals/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_public_summary(request, quest_pk: int, pk: int):
    """Team side drafts and publishes; the company agrees. Both may unpublish."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    form = PublicSummaryForm(request.POST)
    if not form.is_valid():
        if "action" in form.errors:
            return refused(request, _("You cannot do this with the public summary."), proposal)
        context = _detail_context(request, proposal)
        context["summary_form"] = form
        return render(request, "quests/proposals/proposal_detail.html", context, status=400)
    try:
        services.public_summary_update(
            proposal=proposal,
            user=request.user,
            action=form.cleaned_data["action"],
            text=form.cleaned_data["public_summary"],
        )
    except services.ProposalError as error:
        # The page again with the summary typed and why (its field, or the whole form).
        form.add_error(error.field if error.field in form.fields else None, error.message)
        context = _detail_context(request, proposal)
        context["summary_form"] = form
        return render(request, "quests/proposals/proposal_detail.html", context, status=400)
    messages.success(request, _("The public summary was updated."))
    return redirect(proposal)


@login_required
def proposal_attachment(request, quest_pk: int, pk: int, attachment_pk: int):
    """Whoever may see the proposal: download one attachment (never served from /media/)."""
    proposal = _proposal_or_404(request, quest_pk, pk)
    attachment = get_object_or_404(ProposalAttachment, pk=attachment_pk, proposal=proposal)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return attachment_response(
        handle, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
def my_proposals(request):
    """Company members: their companies' proposals across quests."""
    if not roles.is_company_member(request.user):
        raise PermissionDenied
    page = Paginator(selectors.my_proposals(request.user), 20).get_page(
        query_int(request.GET.get("page")) or 1
    )
    return render(request, "quests/proposals/my_proposals.html", {"page": page})
