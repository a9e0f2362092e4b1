"""Proposal desks (提案窓口): open proposals sent without a quest, their triage, routing to
the departments concerned, the private thread, and the review board's sessions, scores
and decisions; an adopted proposal becomes a co-creation project (a quest in trial).

The rule source is よこらぼ (Yokoze, seed 001): anyone with an organisation proposes
anything to the town, a board meets monthly and judges on the benefit to the town, the
residents and the proposer, and the town adopts.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreation import permissions as roles
from cocreation.core.dates import jdate
from cocreation.notifications.services import notify_many
from cocreation.organisations.models import Membership

from .. import permissions
from ..errors import QuestError
from ..models import (
    AgendaItem,
    BoardScore,
    BoardSession,
    DeskCriterion,
    DeskEvent,
    DeskMember,
    DeskMessage,
    DeskRouting,
    OpenProposal,
    Proposal,
    ProposalDesk,
    ProposalEvent,
    Quest,
    QuestTransition,
    ReviewCriterion,
    TeamMember,
    Trial,
)
from ..reference_data import DEFAULT_DESK_CRITERIA

# A date in a notification, written in each recipient's language when it is rendered.
_lazy_date = lazy(jdate, str)

TRIAGE_ACTIONS = {
    "needs_info": OpenProposal.State.NEEDS_INFO,
    "to_board": OpenProposal.State.TO_BOARD,
    "decline": OpenProposal.State.DECLINED,
}

# What the proposer reads after the decision, by decision.
_NEXT_STEP = {
    AgendaItem.Decision.ADOPTED: gettext_lazy(
        "The town starts a co-creation project with you; its trial page is on the portal."
    ),
    AgendaItem.Decision.NOT_ADOPTED: gettext_lazy("Thank you for your proposal."),
    AgendaItem.Decision.CARRIED_OVER: gettext_lazy(
        "The board takes the proposal up again at a later session."
    ),
}


def _event(proposal: OpenProposal, from_state: str, user, comment: str = "") -> DeskEvent:
    return DeskEvent.objects.create(
        proposal=proposal,
        from_state=from_state,
        to_state=proposal.state,
        actor=user,
        comment=comment,
    )


def _organisation_members(organisation_id: int):
    return get_user_model().objects.filter(
        memberships__organisation_id=organisation_id,
        memberships__status=Membership.Status.ACTIVE,
    )


def _desk_staff(desk: ProposalDesk):
    return get_user_model().objects.filter(
        desk_roles__desk=desk, desk_roles__role=DeskMember.Role.STAFF
    )


def _set_state(proposal: OpenProposal, user, to_state: str, comment: str = "") -> DeskEvent:
    from_state = proposal.state
    proposal.state = to_state
    proposal.save(update_fields=["state", "updated_at"])
    return _event(proposal, from_state, user, comment)


def _locked(proposal: OpenProposal) -> OpenProposal:
    return (
        OpenProposal.objects.select_for_update()
        .select_related("desk", "organisation")
        .get(pk=proposal.pk)
    )


# --- The desk ---------------------------------------------------------------------------


@transaction.atomic
def desk_open(*, user, opener: str, opener_id: int, data: dict, themes=()) -> ProposalDesk:
    """Open a desk for a municipality the user works for (`opener` "municipality") or a
    network they coordinate ("region"), `opener_id` its id. `data`: {"name", "intake_text",
    "board_rules"}; `themes`: Theme rows. The user becomes its staff and a reviewer, and
    the desk starts with the three-party-benefit criteria (reference_data), each weighted
    1. Raises QuestError (field "opener") for anything not theirs to open a desk for."""
    chosen = next(
        (o for kind, o in permissions.desk_openers(user) if kind == opener and o.pk == opener_id),
        None,
    )
    if chosen is None:
        raise QuestError(
            _("Choose a municipality you work for or a network you coordinate."), field="opener"
        )
    desk = ProposalDesk.objects.create(
        host=chosen if opener == "municipality" else None,
        region=chosen if opener == "region" else None,
        **data,
    )
    desk.themes.set(themes)
    DeskMember.objects.bulk_create(
        DeskMember(desk=desk, user=user, role=role) for role in DeskMember.Role.values
    )
    DeskCriterion.objects.bulk_create(
        DeskCriterion(desk=desk, name=name, description=text, position=position)
        for position, (name, text) in enumerate(DEFAULT_DESK_CRITERIA)
    )
    return desk


@transaction.atomic
def desk_update(*, desk: ProposalDesk, user, data: dict, themes=()) -> ProposalDesk:
    """The desk's texts, themes and whether it takes proposals (`data`: {"name",
    "intake_text", "board_rules", "is_open"}). Raises QuestError for someone not on the
    desk's staff."""
    if not permissions.is_desk_staff(user, desk):
        raise QuestError(_("You cannot change this desk."))
    locked = ProposalDesk.objects.select_for_update().get(pk=desk.pk)
    for name, value in data.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(data))
    locked.themes.set(themes)
    return locked


# --- Proposing -------------------------------------------------------------------------


def open_proposal_save(
    *, desk: ProposalDesk, user, organisation, data: dict, proposal: OpenProposal | None = None
) -> OpenProposal:
    """Send a new proposal to `desk` for `organisation` (`proposal` None), or change one
    still waiting for triage; a change made after "more information needed" sends it back
    to triage. `data`: {field of OpenProposal.WRITTEN_FIELDS: text}. The desk's staff are
    told. Raises QuestError when the person may not propose for `organisation` (field
    "organisation"), the desk takes no proposals, or the proposal can no longer change."""
    if proposal is None:
        if organisation not in permissions.proposing_organisations(user, desk):
            raise QuestError(_("Choose an organisation you are a member of."), field="organisation")
    with transaction.atomic():
        if proposal is None:
            # The desk's lock queues this behind a closing of the desk in progress.
            desk = ProposalDesk.objects.select_for_update().get(pk=desk.pk)
            if not desk.is_open:
                raise QuestError(_("This desk does not take proposals now."))
            proposal = OpenProposal(desk=desk, organisation=organisation, submitted_by=user)
            from_state = ""
        else:
            proposal = _locked(proposal)
            if not permissions.can_edit_open_proposal(user, proposal):
                raise QuestError(_("This proposal can no longer be changed."))
            from_state = proposal.state
        for name in OpenProposal.WRITTEN_FIELDS:
            setattr(proposal, name, data.get(name, ""))
        proposal.state = OpenProposal.State.SUBMITTED
        proposal.save()
        if from_state != OpenProposal.State.SUBMITTED:
            event = _event(proposal, from_state, user)
            notify_many(
                _desk_staff(proposal.desk),
                "quest.desk_proposal_received",
                proposal,
                context={
                    "desk": proposal.desk.name,
                    "proposal": proposal.title,
                    "organisation": proposal.organisation.name,
                },
                url=proposal.get_absolute_url(),
                key_prefix=f"quest.desk_proposal_received|{event.pk}",
            )
    return proposal


# --- Triage, routing, the thread --------------------------------------------------------


def open_proposal_triage(*, proposal: OpenProposal, user, action: str, reason: str = "") -> None:
    """The desk's triage: "needs_info" (the question goes into the private thread),
    "to_board" or "decline" (with the reason the proposer reads). The proposer is told in
    plain text. Raises QuestError for an unknown action, a missing reason, someone who may
    not triage, or a proposal triaged meanwhile."""
    if action not in TRIAGE_ACTIONS:
        raise QuestError(_("Choose what to do with the proposal."), field="action")
    reason = reason.strip()
    if action == "decline" and not reason:
        raise QuestError(_("Give the reason the proposal is declined."), field="reason")
    if action == "needs_info" and not reason:
        raise QuestError(_("Write what information you need."), field="reason")
    with transaction.atomic():
        locked = _locked(proposal)
        if not permissions.can_triage(user, locked):
            raise QuestError(_("This proposal cannot be triaged now."))
        to_state = TRIAGE_ACTIONS[action]
        if action == "decline":
            locked.decision_reason = reason
            locked.decided_at = timezone.now()
            locked.save(update_fields=["decision_reason", "decided_at"])
        if action == "needs_info":
            DeskMessage.objects.create(proposal=locked, author=user, body=reason)
        event = _set_state(locked, user, to_state, reason if action != "to_board" else "")
        notify_many(
            _organisation_members(locked.organisation_id),
            "quest.desk_triaged",
            locked,
            context={
                "desk": locked.desk.name,
                "proposal": locked.title,
                "state": OpenProposal.State(to_state).label,
                "reason": reason,
            },
            url=locked.get_absolute_url(),
            key_prefix=f"quest.desk_triaged|{event.pk}",
        )
    proposal.state = to_state


def open_proposal_route(*, proposal: OpenProposal, user, departments) -> list[DeskRouting]:
    """Send the proposal to `departments` (DeskDepartment rows of its desk) for their view;
    a department it was sent to already is skipped. Their members are told. Raises
    QuestError for no department, one of another desk, or someone who may not route."""
    departments = list(departments)
    if not departments:
        raise QuestError(_("Choose at least one department."), field="departments")
    if any(d.desk_id != proposal.desk_id for d in departments):
        raise QuestError(_("Choose departments of this desk."), field="departments")
    with transaction.atomic():
        locked = _locked(proposal)
        if not permissions.can_route(user, locked):
            raise QuestError(_("This proposal cannot be routed now."))
        made = []
        for department in departments:
            routing, created = DeskRouting.objects.get_or_create(
                proposal=locked, department=department, defaults={"routed_by": user}
            )
            if not created:
                continue
            made.append(routing)
            notify_many(
                department.members.all(),
                "quest.desk_routed",
                locked,
                context={
                    "desk": locked.desk.name,
                    "proposal": locked.title,
                    "department": department.name,
                },
                url=locked.get_absolute_url(),
                key_prefix=f"quest.desk_routed|{routing.pk}",
            )
        if made:
            _event(
                locked,
                locked.state,
                user,
                ", ".join(str(routing.department) for routing in made),
            )
    return made


def department_answer(*, routing: DeskRouting, user, view: str) -> DeskRouting:
    """A member of the routed department gives (or corrects) the department's view; the
    desk's staff are told. Raises QuestError for an empty view or someone outside the
    department."""
    view = view.strip()
    if not view:
        raise QuestError(_("Write the department's view."), field="view")
    with transaction.atomic():
        locked = (
            DeskRouting.objects.select_for_update()
            .select_related("department", "proposal__desk")
            .get(pk=routing.pk)
        )
        if not locked.department.members.filter(pk=user.pk).exists():
            raise QuestError(_("Only the department's staff give its view."))
        locked.view = view
        locked.answered_by = user
        locked.answered_at = timezone.now()
        locked.save(update_fields=["view", "answered_by", "answered_at"])
        proposal = locked.proposal
        notify_many(
            _desk_staff(proposal.desk),
            "quest.desk_department_answered",
            proposal,
            context={
                "department": locked.department.name,
                "proposal": proposal.title,
                "view": view[:2000],
            },
            url=proposal.get_absolute_url(),
            key_prefix=(
                f"quest.desk_department_answered|{locked.pk}|{locked.answered_at.timestamp()}"
            ),
        )
    return locked


def desk_message_post(*, proposal: OpenProposal, user, body: str) -> DeskMessage:
    """A message in the private thread between the proposer and the desk's staff; the
    other side is told. Raises QuestError for an empty message or someone outside the
    thread."""
    body = body.strip()
    if not body:
        raise QuestError(_("Write a message."), field="body")
    if not permissions.can_message_desk(user, proposal):
        raise QuestError(_("You cannot write on this proposal."))
    with transaction.atomic():
        message = DeskMessage.objects.create(proposal=proposal, author=user, body=body)
        from_proposer = permissions.is_open_proposer(user, proposal)
        recipients = (
            _desk_staff(proposal.desk)
            if from_proposer
            else _organisation_members(proposal.organisation_id)
        )
        notify_many(
            recipients.exclude(pk=user.pk),
            "quest.desk_message",
            proposal,
            context={
                "desk": proposal.desk.name,
                "proposal": proposal.title,
                "author": user.display_name,
                "message": body[:1000],
            },
            url=proposal.get_absolute_url() + "#thread",
            key_prefix=f"quest.desk_message|{message.pk}",
        )
    return message


# --- The review board -------------------------------------------------------------------


def session_create(*, desk: ProposalDesk, user, held_on: dt.date, place: str = "") -> BoardSession:
    """A dated session of the desk's board. Raises QuestError for someone not on the
    desk's staff, or a second session the same day."""
    if not permissions.is_desk_staff(user, desk):
        raise QuestError(_("You cannot hold sessions for this desk."))
    try:
        with transaction.atomic():
            return BoardSession.objects.create(
                desk=desk, held_on=held_on, place=place, created_by=user
            )
    except IntegrityError:
        raise QuestError(
            _("The board already has a session on this day."), field="held_on"
        ) from None


def agenda_add(*, session: BoardSession, user, proposal: OpenProposal) -> AgendaItem:
    """Put a proposal sent to the board (or carried over) on the session's agenda. Raises
    QuestError for someone not on the desk's staff, a proposal of another desk or not
    waiting for the board, a published session, or one already on this agenda."""
    if not permissions.is_desk_staff(user, session.desk):
        raise QuestError(_("You cannot change this session's agenda."))
    if proposal.desk_id != session.desk_id:
        raise QuestError(_("Choose a proposal of this desk."), field="proposal")
    try:
        with transaction.atomic():
            locked = _locked(proposal)
            if locked.state not in OpenProposal.BOARD_STATES:
                raise QuestError(
                    _("Only proposals sent to the board can be on its agenda."), field="proposal"
                )
            if session.published_at:
                raise QuestError(_("The minutes of this session are published."))
            if AgendaItem.objects.filter(proposal=locked, decision="").exists():
                raise QuestError(
                    _("This proposal is already on an agenda without a decision."),
                    field="proposal",
                )
            position = session.items.count() + 1
            return AgendaItem.objects.create(session=session, proposal=locked, position=position)
    except IntegrityError:
        raise QuestError(_("This proposal is already on the agenda."), field="proposal") from None


def scores_save(*, item: AgendaItem, user, scores: dict[int, tuple[int, str]]) -> list[BoardScore]:
    """The reviewer's scores of an agenda item: `scores` {DeskCriterion id: (score 1–5,
    comment)} for every criterion of the desk. A second save replaces the reviewer's
    scores (one per reviewer, item and criterion: a database constraint). Raises
    QuestError for someone who may not score, a decided item, or scores missing or out of
    range."""
    criteria = set(
        DeskCriterion.objects.filter(desk_id=item.session.desk_id).values_list("pk", flat=True)
    )
    if set(scores) != criteria or any(not 1 <= s <= 5 for s, _c in scores.values()):
        raise QuestError(_("Score every criterion from 1 to 5."))
    with transaction.atomic():
        locked = (
            AgendaItem.objects.select_for_update()
            .select_related("session__desk", "proposal__organisation")
            .get(pk=item.pk)
        )
        if not permissions.can_score_item(user, locked):
            raise QuestError(_("You cannot score this proposal."))
        made = []
        for criterion_id, (score, comment) in scores.items():
            row, _created = BoardScore.objects.update_or_create(
                item=locked,
                reviewer=user,
                criterion_id=criterion_id,
                defaults={"score": score, "comment": comment},
            )
            made.append(row)
    return made


def project_from_open_proposal(item: AgendaItem, proposal: OpenProposal, user) -> Quest:
    """The co-creation project of an adopted proposal: a quest in trial hosted by the
    desk's municipality (a network's desk: the first routed department's), the proposer's
    organisation linked by an adopted quest proposal (as the quest path links it, so the
    trial, KPI, results and reuse pages are the same), a trial, and the routed departments'
    staff on the team (the first one leads). Called inside a transaction, by board_decide
    (and the demo loader, which records past decisions without notifying anyone)."""
    routings = list(
        proposal.routings.select_related("department__organisation").prefetch_related(
            "department__members"
        )
    )
    desk = proposal.desk
    host = desk.host or (routings[0].department.organisation if routings else None)
    if host is None:
        raise QuestError(_("Route the proposal to a department before adopting it."))
    now = timezone.now()
    quest = Quest.objects.create(
        title=proposal.title,
        summary=proposal.summary[:1000],
        background=proposal.approach,
        affected=proposal.benefit_residents,
        outcome_sought="\n".join(
            text
            for text in (
                proposal.benefit_town,
                proposal.benefit_residents,
                proposal.benefit_proposer,
            )
            if text
        ),
        host=host,
        state=Quest.State.IN_TRIAL,
        contact_department=routings[0].department.name if routings else "",
        created_by=user,
    )
    quest.themes.set(desk.themes.all())
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(quest=quest, name=c.name, description=c.description, position=c.position)
        for c in desk.criteria.all()
    )
    adopted = Proposal.objects.create(
        quest=quest,
        company=proposal.organisation,
        submitted_by=proposal.submitted_by,
        title=proposal.title,
        summary=proposal.summary,
        approach=proposal.approach,
        company_brings=proposal.benefit_proposer,
        needs_from_municipality=proposal.needs_from_municipality,
        expected_results="\n".join((proposal.benefit_town, proposal.benefit_residents)),
        measurement="",
        schedule=proposal.schedule,
        # The confidential part stays with the desk's side (the open proposal): the
        # project's team and the host region's coordinators read the quest's proposal.
        confidential="",
        state=Proposal.State.ADOPTED,
        decision_reason=item.reason,
        decided_at=now,
        decided_by=user,
        submitted_at=proposal.submitted_at,
    )
    ProposalEvent.objects.create(
        proposal=adopted,
        from_state=Proposal.State.SUBMITTED,
        to_state=Proposal.State.ADOPTED,
        actor=user,
        comment=item.reason,
    )
    Trial.objects.create(quest=quest, proposal=adopted)
    leader_set = False
    seen = set()
    for routing in routings:
        for member in routing.department.members.all():
            if member.pk in seen:
                continue
            seen.add(member.pk)
            TeamMember.objects.create(
                quest=quest,
                user=member,
                organisation=routing.department.organisation,
                role=TeamMember.Role.MEMBER if leader_set else TeamMember.Role.LEADER,
            )
            leader_set = True
    if not seen and roles.is_member_of(user, host):
        TeamMember.objects.create(
            quest=quest, user=user, organisation=host, role=TeamMember.Role.LEADER
        )
    QuestTransition.objects.create(
        quest=quest,
        from_state=Quest.State.DRAFT,
        to_state=Quest.State.IN_TRIAL,
        actor=user,
        comment=_("Adopted by the review board of %(desk)s on %(date)s.")
        % {"desk": desk.name, "date": jdate(item.session.held_on)},
    )
    return quest


def board_decide(*, item: AgendaItem, user, decision: str, reason: str = "") -> AgendaItem:
    """The board's decision on an agenda item (AgendaItem.Decision), with the reason sent
    to the proposer in plain text (required but for an adoption). An adoption makes the
    co-creation project (`project_from_open_proposal`) in the same transaction.

    Idempotent: the proposal's row lock queues simultaneous decisions; the same decision
    recorded again returns the item as it is (no second quest, no second mail), a
    different one is refused. Raises QuestError for an unknown decision, a missing reason,
    someone who may not decide, or a proposal no longer before the board."""
    if decision not in AgendaItem.Decision.values:
        raise QuestError(_("Choose a decision."), field="decision")
    reason = reason.strip()
    if decision != AgendaItem.Decision.ADOPTED and not reason:
        raise QuestError(_("Give the reason the proposer will read."), field="reason")
    with transaction.atomic():
        proposal = _locked(item.proposal)
        locked = (
            AgendaItem.objects.select_for_update().select_related("session__desk").get(pk=item.pk)
        )
        locked.proposal = proposal
        if not permissions.can_decide_item(user, locked):
            raise QuestError(_("You cannot decide on this proposal."))
        if locked.decision:
            if locked.decision == decision:
                return locked
            raise QuestError(
                _("The board already decided: %(decision)s.")
                % {"decision": AgendaItem.Decision(locked.decision).label}
            )
        if proposal.state not in OpenProposal.BOARD_STATES:
            raise QuestError(
                _("This proposal is “%(state)s”; the board cannot decide on it now.")
                % {"state": OpenProposal.State(proposal.state).label}
            )
        now = timezone.now()
        locked.decision = decision
        locked.reason = reason
        locked.decided_by = user
        locked.decided_at = now
        locked.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        if decision == AgendaItem.Decision.ADOPTED:
            proposal.project = project_from_open_proposal(locked, proposal, user)
        if decision != AgendaItem.Decision.CARRIED_OVER:
            proposal.decision_reason = reason
            proposal.decided_at = now
        # The state and the project in one write (the check constraint ties them).
        from_state = proposal.state
        proposal.state = decision
        proposal.save(
            update_fields=["state", "project", "decision_reason", "decided_at", "updated_at"]
        )
        event = _event(proposal, from_state, user, reason)
        notify_many(
            _organisation_members(proposal.organisation_id),
            "quest.desk_board_decided",
            proposal,
            context={
                "desk": proposal.desk.name,
                "proposal": proposal.title,
                "date": _lazy_date(locked.session.held_on),
                "decision": AgendaItem.Decision(decision).label,
                "reason": reason or "—",
                "next": _NEXT_STEP[decision],
            },
            url=proposal.get_absolute_url(),
            key_prefix=f"quest.desk_board_decided|{event.pk}",
        )
    return locked


@transaction.atomic
def session_publish(
    *, session: BoardSession, user, minutes: str, publish: bool = True
) -> BoardSession:
    """Save the session's public minutes and publish them (or withdraw them with
    `publish` False). The public page shows the minutes text, the counts of decisions and
    the adopted proposals' titles only (selectors.desks.session_minutes). Raises
    QuestError for someone not on the desk's staff, or publishing before every item on
    the agenda is decided."""
    locked = BoardSession.objects.select_for_update().select_related("desk").get(pk=session.pk)
    if not permissions.is_desk_staff(user, locked.desk):
        raise QuestError(_("You cannot publish this session's minutes."))
    if publish and locked.items.filter(decision="").exists():
        raise QuestError(_("Decide on every proposal on the agenda before publishing."))
    locked.minutes = minutes.strip()
    if publish and locked.published_at is None:
        locked.published_at = timezone.now()
    if not publish:
        locked.published_at = None
    locked.save(update_fields=["minutes", "published_at"])
    return locked
