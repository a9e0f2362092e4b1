"""Proposal pages. A proposal another company cannot see answers 404, never 403, so its
existence is not revealed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation import permissions as roles
from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.pages import paginate
from cocreation.core.text import keywords_left_out
from cocreation.core.uploads import attachment_response

from .. import permissions
from ..forms.proposals import (
    DecisionForm,
    MessageForm,
    ProposalForm,
    ProposalSearchForm,
    PublicSummaryForm,
    ReviewForm,
    WithdrawForm,
)
from ..models import Proposal
from ..selectors import proposals as selectors
from ..selectors.quests import quest_page_context, visible_quest_or_404
from ..selectors.selection import weighted_total
from ..services import proposals as services


@login_required
def proposal_list(request, pk: int):
    """The quest team, coordinators, site admins: every submitted proposal.
    Company members: their own company's proposals for this quest. Either searched by the
    keywords of `?q=` among those proposals only."""
    quest = visible_quest_or_404(request.user, pk)
    if not (
        permissions.sees_all_proposals(request.user, quest) or roles.is_company_member(request.user)
    ):
        raise PermissionDenied
    search = ProposalSearchForm(request.GET)
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
    else:
        # Refused, not cut: a cut keyword would search for something nobody typed.
        query = ""
        messages.warning(
            request,
            _("The keyword was not used (%(error)s); every proposal is shown.")
            % {"error": " ".join(search.errors["q"])},
        )
    if left_out := keywords_left_out(query):
        messages.warning(request, left_out)
    context = quest_page_context(request.user, quest, "proposals")
    context["proposals"] = selectors.proposals_for_quest(request.user, quest, query)
    context["points_possible"] = selectors.points_possible(quest)
    # The keyword as typed stays in the box, so a refused one can be corrected.
    context["q"] = request.GET.get("q", "")
    context["searched"] = bool(query)
    return render(request, "quests/proposals/proposal_list.html", context)


@login_required
def proposal_create(request, pk: int):
    """Company members, while the quest accepts proposals."""
    quest = visible_quest_or_404(request.user, pk)
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
        except PortalError as error:
            add_to_form(form, error)
        else:
            if proposal.state == Proposal.State.SUBMITTED:
                messages.success(request, _("Your proposal was submitted to the quest team."))
            else:
                messages.success(request, _("Your draft was saved. Only your company can see it."))
            return redirect(proposal)
    context = quest_page_context(request.user, quest, "proposals")
    context |= {"form": form, "proposal": None}
    return render(request, "quests/proposals/proposal_form.html", context)


@login_required
def proposal_edit(request, quest_pk: int, pk: int):
    """Members of the proposing company, until the quest closes or review starts."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    quest = visible_quest_or_404(request.user, quest_pk)
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
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The proposal was saved."))
            return redirect(proposal)
    context = quest_page_context(request.user, quest, "proposals")
    context |= {"form": form, "proposal": proposal}
    return render(request, "quests/proposals/proposal_form.html", context)


def _detail_context(request, proposal: Proposal) -> dict:
    quest = visible_quest_or_404(request.user, proposal.quest_id)
    user = request.user
    context = quest_page_context(user, quest, "proposals")
    company_side = permissions.is_proposing_company_member(user, proposal)
    team_side = permissions.sees_all_proposals(user, quest) and not company_side
    averages = selectors.criterion_averages(proposal, quest.criteria.all()) if team_side else []
    context |= {
        "proposal": proposal,
        "team_side": team_side,
        "company_side": company_side,
        "can_edit": permissions.can_edit_proposal(user, proposal),
        "can_withdraw": permissions.can_withdraw_proposal(user, proposal),
        "can_review": permissions.can_review(user, proposal),
        "can_decide": permissions.can_decide_proposal(user, proposal)
        and proposal.state in Proposal.DECIDABLE_STATES,
        "can_message": permissions.can_message_on_proposal(user, proposal),
        "my_review": selectors.own_review(proposal, user),
        # Reviews of others are shown to the team side only, so scores stay internal.
        "reviews": list(proposal.reviews.all()) if team_side else [],
        "averages": averages,
        # (points earned, points possible) over the criteria's points (issue 13).
        "weighted": weighted_total(averages) if team_side else (None, 0),
        "decision_form": DecisionForm(),
        "message_form": MessageForm(),
        "summary_form": PublicSummaryForm(initial={"public_summary": proposal.public_summary}),
    }
    return context


@login_required
def proposal_detail(request, quest_pk: int, pk: int):
    """The proposing company, the quest team, coordinators of the region, site admins."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    return render(
        request, "quests/proposals/proposal_detail.html", _detail_context(request, proposal)
    )


@login_required
@require_POST
def proposal_submit(request, quest_pk: int, pk: int):
    """Members of the proposing company: submit a draft."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        raise PermissionDenied
    try:
        services.proposal_submit(proposal=proposal, user=request.user)
    except PortalError as error:
        return refused(request, error, proposal)
    messages.success(request, _("Your proposal was submitted to the quest team."))
    return redirect(proposal)


@login_required
def proposal_withdraw(request, quest_pk: int, pk: int):
    """Members of the proposing company: withdraw (asks for confirmation first)."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_withdraw_proposal(request.user, proposal):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_withdraw(
                proposal=proposal, user=request.user, reason=form.cleaned_data["reason"].strip()
            )
        except PortalError as error:
            # Decided meanwhile: the page again with the reason typed and why.
            add_to_form(form, error)
            status = 400
        else:
            messages.success(request, _("The proposal was withdrawn."))
            return redirect(proposal)
    context = _detail_context(request, proposal)
    context["form"] = form
    return render(request, "quests/proposals/proposal_withdraw.html", context, status=status)


@login_required
@require_POST
def proposal_start_review(request, quest_pk: int, pk: int):
    """Quest team members: mark a submitted proposal as under review."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_review(request.user, proposal):
        raise PermissionDenied
    services.proposal_start_review(proposal=proposal, user=request.user)
    return redirect(proposal)


@login_required
def proposal_review(request, quest_pk: int, pk: int):
    """Quest team members (not of the proposing company): their own scores and comments."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_review(request.user, proposal):
        raise PermissionDenied
    form = ReviewForm(
        request.POST or None,
        criteria=proposal.quest.criteria.all(),
        review=selectors.own_review(proposal, request.user),
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
        except PortalError as error:
            add_to_form(form, error)
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
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
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
        except PortalError as error:
            add_to_form(form, error)
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
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    if not permissions.can_message_on_proposal(request.user, proposal):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_post(
                proposal=proposal, user=request.user, body=form.cleaned_data["body"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect(proposal.get_absolute_url() + "#thread")
    context = _detail_context(request, proposal)
    context["message_form"] = form
    return render(request, "quests/proposals/proposal_detail.html", context, status=400)


@login_required
@require_POST
def proposal_public_summary(request, quest_pk: int, pk: int):
    """Team side drafts and publishes; the company agrees. Both may unpublish."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    form = PublicSummaryForm(request.POST)
    if not form.is_valid():
        if "action" in form.errors:
            return refused(request, _("You cannot do this with the public summary."), proposal)
    else:
        try:
            services.public_summary_update(
                proposal=proposal,
                user=request.user,
                action=form.cleaned_data["action"],
                text=form.cleaned_data["public_summary"],
            )
        except PortalError as error:
            # The page again with the summary typed and why (its field, or the whole form).
            add_to_form(form, error)
        else:
            messages.success(request, _("The public summary was updated."))
            return redirect(proposal)
    context = _detail_context(request, proposal)
    context["summary_form"] = form
    return render(request, "quests/proposals/proposal_detail.html", context, status=400)


@login_required
def proposal_attachment(request, quest_pk: int, pk: int, attachment_pk: int):
    """Whoever may see the proposal: download one attachment (never served from /media/)."""
    proposal = selectors.visible_proposal_or_404(request.user, quest_pk, pk)
    attachment = selectors.attachment_of(proposal, attachment_pk)
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
    listing = paginate(request, selectors.my_proposals(request.user), per_page=20)
    return render(request, "quests/proposals/my_proposals.html", {"page": listing.page})
