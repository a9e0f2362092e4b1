"""Proposals from companies: drafting, submitting, review, decisions, the private thread."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.notifications.services import notify_many
from cocreation.organisations.models import Membership

from .. import permissions
from ..errors import QuestError
from ..models import (
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalMessage,
    Quest,
    Review,
    ReviewScore,
    TeamMember,
)
from ..selectors.selection import stages_not_passed


def _event(proposal: Proposal, from_state: str, user, comment: str = "") -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal,
        from_state=from_state,
        to_state=proposal.state,
        actor=user,
        comment=comment,
    )


def _company_members(company_id: int):
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=company_id, status=Membership.Status.ACTIVE
        ).select_related("user")
    ]


def _team_users(quest: Quest):
    return [m.user for m in TeamMember.objects.filter(quest=quest).select_related("user")]


def proposal_save(
    *, quest: Quest, user, company, data: dict, files=(), submit: bool, proposal=None
) -> Proposal:
    """Create (`proposal` None) or update a company's proposal; submit it when `submit`.

    `data`: {field of Proposal.WRITTEN_FIELDS: text} (a missing one is saved empty);
    `files`: new attachments (UploadedFile, already checked by the proposal form's rule).
    The quest team is told of a submission. Raises QuestError when the person is not a
    member of `company`, the quest does not accept proposals now, the proposal can no
    longer be changed, or the company already has a live proposal for the quest."""
    if company not in roles.companies_of(user):
        raise QuestError(_("Choose a company you are a member of."), field="company")
    if not permissions.accepts_proposals(quest):
        raise QuestError(_("This quest does not accept proposals now."))
    try:
        with transaction.atomic():
            if proposal is not None:
                proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
            # The quest's row lock queues this save behind a state change in progress
            # (e.g. closing proposals), so the check below sees the quest as it is now.
            quest = Quest.objects.select_for_update().get(pk=quest.pk)
            if not permissions.accepts_proposals(quest):
                raise QuestError(_("This quest does not accept proposals now."))
            if proposal is None:
                proposal = Proposal(quest=quest, company=company, submitted_by=user)
            else:
                proposal.quest = quest
                if not permissions.can_edit_proposal(user, proposal):
                    raise QuestError(_("This proposal can no longer be changed."))
            for name in Proposal.WRITTEN_FIELDS:
                setattr(proposal, name, data.get(name, ""))
            from_state = proposal.state
            submitted_now = submit and from_state == Proposal.State.DRAFT
            if submitted_now:
                proposal.state = Proposal.State.SUBMITTED
                proposal.submitted_at = timezone.now()
                proposal.submitted_by = user
            proposal.save()
            for upload in files:
                ProposalAttachment.objects.create(
                    proposal=proposal,
                    file=upload,
                    original_name=upload.name[:255],
                    content_type=upload.content_type,
                    size=upload.size,
                    uploaded_by=user,
                )
            if submitted_now:
                event = _event(proposal, from_state, user)
                notify_many(
                    _team_users(quest),
                    "quest.proposal_submitted",
                    proposal,
                    context={
                        "quest": quest.title,
                        "proposal": proposal.title,
                        "company": company.name,
                    },
                    url=proposal.get_absolute_url(),
                    key_prefix=f"quest.proposal_submitted|{event.pk}",
                )
    except IntegrityError:
        # The partial unique constraint: one live proposal per company and quest.
        raise QuestError(
            _("Your company already has a proposal for this quest."), field="company"
        ) from None
    return proposal


def proposal_submit(*, proposal: Proposal, user) -> Proposal:
    """Submit a saved draft as it stands (the proposal page's button). Raises QuestError
    as proposal_save does."""
    return proposal_save(
        quest=proposal.quest,
        user=user,
        company=proposal.company,
        data={name: getattr(proposal, name) for name in Proposal.WRITTEN_FIELDS},
        submit=True,
        proposal=proposal,
    )


def _change_state(proposal: Proposal, user, to_state: str, comment: str = "") -> ProposalEvent:
    from_state = proposal.state
    proposal.state = to_state
    proposal.save(update_fields=["state", "updated_at"])
    return _event(proposal, from_state, user, comment)


def _release_interview_slots(proposal: Proposal) -> None:
    # The selection's services import this module; imported here to keep one direction.
    from .selection import interview_slots_release

    interview_slots_release(proposal=proposal)


def proposal_withdraw(*, proposal: Proposal, user, reason: str = "") -> None:
    """The proposing company withdraws; `reason` goes into the proposal's history, and an
    interview slot it booked that has not started is freed. Raises QuestError once the
    proposal was decided (or withdrawn) meanwhile."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not permissions.can_withdraw_proposal(user, locked):
            raise QuestError(_("This proposal can no longer be withdrawn."))
        _change_state(locked, user, Proposal.State.WITHDRAWN, reason)
        _release_interview_slots(locked)
    proposal.state = Proposal.State.WITHDRAWN


def proposal_start_review(*, proposal: Proposal, user) -> None:
    """Mark a submitted proposal as under review (nothing for any other state)."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state == Proposal.State.SUBMITTED:
            _change_state(locked, user, Proposal.State.UNDER_REVIEW)
            proposal.state = locked.state


def review_save(
    *,
    proposal: Proposal,
    user,
    scores: dict[int, tuple[int, str]],
    comment: str,
    conflict: bool,
    conflict_note: str,
) -> Review:
    """The reviewer's own review: `scores` {criterion id: (score 1–5, comment)} for every
    criterion of the quest, or none with `conflict` (a declared conflict of interest, with
    `conflict_note`). A submitted proposal goes under review. Raises QuestError for someone
    who may not review, scores missing or out of range, or criteria changed meanwhile."""
    if not permissions.can_review(user, proposal):
        raise QuestError(_("You cannot review this proposal."))
    criteria = {c.pk for c in proposal.quest.criteria.all()}
    if not conflict and set(scores) != criteria:
        raise QuestError(_("Score every criterion from 1 to 5."))
    if any(not 1 <= score <= 5 for score, _comment in scores.values()):
        raise QuestError(_("Score every criterion from 1 to 5."))
    with transaction.atomic():
        proposal_start_review(proposal=proposal, user=user)
        # criteria_update holds the quest's lock while it removes criteria; taking it here
        # (after the proposal's, as proposal_decide does) means the scores below are for
        # criteria that still exist when this commits.
        locked_quest = Quest.objects.select_for_update().get(pk=proposal.quest_id)
        if not conflict and set(scores) != {c.pk for c in locked_quest.criteria.all()}:
            raise QuestError(
                _("The review criteria changed while you were scoring. Check the form again.")
            )
        review, _created = Review.objects.get_or_create(proposal=proposal, reviewer=user)
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.conflict_of_interest = conflict
        review.conflict_note = conflict_note if conflict else ""
        review.comment = comment
        review.save()
        review.scores.all().delete()
        if not conflict:
            ReviewScore.objects.bulk_create(
                ReviewScore(review=review, criterion_id=pk, score=score, comment=text)
                for pk, (score, text) in scores.items()
            )
    return review


def proposal_decide(*, proposal: Proposal, user, decision: str, reason: str = "") -> ProposalEvent:
    """Adopted / not adopted (with a reason) / on hold (`decision`, one of
    Proposal.DECISIONS); the company hears of it either way. Raises QuestError for an
    unknown decision, a missing reason, someone who may not decide, a proposal not in
    Proposal.DECIDABLE_STATES, or an adoption before the proposal passed every screening
    stage the quest states (services.selection)."""
    if decision not in Proposal.DECISIONS:
        raise QuestError(_("Choose a decision."), field="decision")
    if decision == Proposal.State.NOT_ADOPTED and not reason.strip():
        raise QuestError(_("Give the reason the proposal is not adopted."), field="reason")
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update()
            .select_related("quest", "company")
            .get(pk=proposal.pk)
        )
        if not permissions.can_decide_proposal(user, locked):
            raise QuestError(_("You cannot decide on this proposal."))
        if locked.state not in Proposal.DECIDABLE_STATES:
            raise QuestError(
                _("This proposal is “%(state)s”; it cannot be decided now.")
                % {"state": Proposal.State(locked.state).label}
            )
        if decision == Proposal.State.ADOPTED and (missing := stages_not_passed(locked)):
            # A staged selection adopts only a proposal that passed every screening.
            raise QuestError(
                _("“%(stage)s” has not been passed yet: a proposal is adopted after it.")
                % {"stage": missing[0].get_kind_display()},
                field="decision",
            )
        locked.decision_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = user
        locked.save(update_fields=["decision_reason", "decided_at", "decided_by"])
        event = _change_state(locked, user, decision, reason)
        if decision == Proposal.State.NOT_ADOPTED:
            _release_interview_slots(locked)
        notify_many(
            _company_members(locked.company_id),
            "quest.proposal_decided",
            locked,
            context={
                "quest": locked.quest.title,
                "proposal": locked.title,
                "decision": Proposal.State(decision).label,
                "reason": reason,
            },
            url=locked.get_absolute_url(),
            key_prefix=f"quest.proposal_decided|{event.pk}",
        )
    proposal.state = decision
    return event


def message_post(*, proposal: Proposal, user, body: str) -> ProposalMessage:
    """A message in the private thread between the company and the team; the other side
    is told. Raises QuestError for an empty message or someone outside the thread."""
    body = body.strip()
    if not body:
        raise QuestError(_("Write a message."), field="body")
    if not permissions.can_message_on_proposal(user, proposal):
        raise QuestError(_("You cannot write on this proposal."))
    with transaction.atomic():
        message = ProposalMessage.objects.create(proposal=proposal, author=user, body=body)
        from_company = permissions.is_proposing_company_member(user, proposal)
        recipients = (
            _team_users(proposal.quest) if from_company else _company_members(proposal.company_id)
        )
        notify_many(
            [recipient for recipient in recipients if recipient.pk != user.pk],
            "quest.proposal_message",
            proposal,
            context={
                "quest": proposal.quest.title,
                "proposal": proposal.title,
                "author": user.display_name,
                "message": body[:1000],
            },
            url=proposal.get_absolute_url() + "#thread",
            key_prefix=f"quest.proposal_message|{message.pk}",
        )
    return message


@transaction.atomic
def public_summary_update(*, proposal: Proposal, user, action: str, text: str = "") -> None:
    """The team drafts, the company agrees, the team publishes (in that order).

    `action`: "draft" (with `text`; a changed text needs the company's agreement again),
    "agree", "publish" or "unpublish". Raises QuestError for a proposal not adopted, an
    empty draft, a publication before the company agreed, or an action not theirs."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != Proposal.State.ADOPTED:
        raise QuestError(_("Only an adopted proposal gets a public summary."))
    team_side = permissions.sees_all_proposals(user, locked.quest) and not (
        permissions.is_proposing_company_member(user, locked)
    )
    company_side = permissions.is_proposing_company_member(user, locked)
    now = timezone.now()
    if action == "draft" and team_side:
        if not text.strip():
            raise QuestError(_("Write the public summary."), field="public_summary")
        locked.public_summary = text.strip()
        # A changed text needs the company's agreement again.
        locked.public_summary_agreed_at = None
        locked.public_summary_published_at = None
    elif action == "agree" and company_side and locked.public_summary:
        locked.public_summary_agreed_at = now
    elif action == "publish" and team_side:
        if locked.public_summary_agreed_at is None:
            raise QuestError(_("The company has not agreed to this summary yet."))
        locked.public_summary_published_at = now
    elif action == "unpublish" and (team_side or company_side):
        locked.public_summary_published_at = None
    else:
        raise QuestError(_("You cannot do this with the public summary."))
    locked.save(
        update_fields=[
            "public_summary",
            "public_summary_agreed_at",
            "public_summary_published_at",
        ]
    )
