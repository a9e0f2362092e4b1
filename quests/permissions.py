"""Who may do what with quests and proposals: views, templates and querysets all ask here.

Built on the portal's roles (cocreation.permissions):
- anyone, signed in or not, reads quests that are no longer drafts;
- municipal staff of the host or a co-host edit the quest; staff of any municipality
  join its team (the six towns of the Koriyama food-loss quest did);
- coordinators do everything for quests hosted in their regions;
- company members ask questions and propose while a quest is open;
- a proposal is seen only by its company, the quest team, coordinators of the host's
  region and site admins: never by another company, in any list, page or export.

Team membership is read once per quest and request (`team_of`).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.utils import timezone

from cocreation import permissions as roles
from cocreation.organisations.models import Membership, Organisation

from .models import Proposal, Quest, QuestCoHost, TeamMember

_TEAM_ATTR = "_quest_team_cache"

CLOSED_STATES = {Quest.State.COMPLETED, Quest.State.CANCELLED}


def team_of(quest: Quest) -> list[TeamMember]:
    cached = getattr(quest, _TEAM_ATTR, None)
    if cached is None:
        prefetched = getattr(quest, "_prefetched_objects_cache", {}).get("team")
        cached = list(prefetched) if prefetched is not None else list(quest.team.all())
        setattr(quest, _TEAM_ATTR, cached)
    return cached


def forget_team(quest: Quest) -> None:
    if hasattr(quest, _TEAM_ATTR):
        delattr(quest, _TEAM_ATTR)
    getattr(quest, "_prefetched_objects_cache", {}).pop("team", None)


def team_membership(user, quest: Quest) -> TeamMember | None:
    if not roles.is_authenticated(user):
        return None
    return next((m for m in team_of(quest) if m.user_id == user.id), None)


def is_team_member(user, quest: Quest) -> bool:
    return team_membership(user, quest) is not None


def is_team_leader(user, quest: Quest) -> bool:
    member = team_membership(user, quest)
    return member is not None and member.role == TeamMember.Role.LEADER


def host_ids(quest: Quest) -> set[int]:
    ids = {quest.host_id}
    prefetched = getattr(quest, "_prefetched_objects_cache", {}).get("co_hosts")
    co_hosts = prefetched if prefetched is not None else quest.co_hosts.all()
    ids.update(c.organisation_id for c in co_hosts)
    return ids


def is_host_staff(user, quest: Quest) -> bool:
    ids = host_ids(quest)
    return any(m.organisation_id in ids for m in roles.active_memberships(user))


def coordinates_quest(user, quest: Quest) -> bool:
    return roles.coordinates_organisation(user, quest.host)


def can_create_quest(user) -> bool:
    return roles.is_site_admin(user) or roles.is_municipal_staff(user)


def can_view_quest(user, quest: Quest) -> bool:
    if quest.state != Quest.State.DRAFT:
        return True
    return can_edit_quest(user, quest)


def can_edit_quest(user, quest: Quest) -> bool:
    """Change the quest's text, criteria and state: host staff, its team, coordinators."""
    return (
        roles.is_site_admin(user)
        or is_host_staff(user, quest)
        or is_team_member(user, quest)
        or coordinates_quest(user, quest)
    )


def is_lead_host_staff(user, quest: Quest) -> bool:
    return any(m.organisation_id == quest.host_id for m in roles.active_memberships(user))


def is_co_host_approver(user, quest: Quest) -> bool:
    """Each co-host municipality names its own approvers (in admin or by the host)."""
    if not roles.is_authenticated(user):
        return False
    prefetched = getattr(quest, "_prefetched_objects_cache", {}).get("co_hosts")
    if prefetched is None:
        co_hosts = quest.co_hosts.prefetch_related("approvers")
    else:
        # The co-hosts came without their approvers: one query for all, not one each.
        co_hosts = list(prefetched)
        prefetch_related_objects(co_hosts, "approvers")
    return any(user.pk in {a.pk for a in co_host.approvers.all()} for co_host in co_hosts)


def can_change_state(user, quest: Quest) -> bool:
    """Move the quest along its life and decide on proposals: the team leader, staff of the
    lead host, the co-hosts' approvers, coordinators of the region, site admins. Other staff
    of a co-host edit the text but do not take these decisions."""
    return (
        roles.is_site_admin(user)
        or is_team_leader(user, quest)
        or is_lead_host_staff(user, quest)
        or is_co_host_approver(user, quest)
        or coordinates_quest(user, quest)
    )


def can_join_team(user, quest: Quest) -> bool:
    return (
        roles.is_municipal_staff(user)
        and quest.state not in CLOSED_STATES
        and can_view_quest(user, quest)
        and not is_team_member(user, quest)
    )


def can_manage_team(user, quest: Quest) -> bool:
    """Change roles or remove members: the leader, host staff, coordinators, admins."""
    return can_change_state(user, quest)


def accepts_proposals(quest: Quest, today=None) -> bool:
    today = today or timezone.localdate()
    return quest.state == Quest.State.OPEN and (
        quest.proposal_deadline is None or quest.proposal_deadline >= today
    )


def can_propose(user, quest: Quest) -> bool:
    return roles.is_company_member(user) and accepts_proposals(quest)


def can_ask_question(user, quest: Quest) -> bool:
    """Public questions while the quest is open; team members answer instead."""
    return (
        roles.is_authenticated(user)
        and roles.has_organisation(user)
        and quest.state == Quest.State.OPEN
        and not is_team_member(user, quest)
    )


def can_answer_question(user, quest: Quest) -> bool:
    return (
        is_team_member(user, quest) or coordinates_quest(user, quest) or roles.is_site_admin(user)
    )


def sees_all_proposals(user, quest: Quest) -> bool:
    """The team side: every proposal of the quest, with confidential parts."""
    return (
        roles.is_site_admin(user) or is_team_member(user, quest) or coordinates_quest(user, quest)
    )


def is_proposing_company_member(user, proposal: Proposal) -> bool:
    return roles.is_member_of(user, proposal.company)


def can_view_proposal(user, proposal: Proposal) -> bool:
    if is_proposing_company_member(user, proposal):
        return True
    if proposal.state == Proposal.State.DRAFT:
        # A draft is the company's own until it is submitted.
        return roles.is_site_admin(user)
    return sees_all_proposals(user, proposal.quest)


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return (
        is_proposing_company_member(user, proposal)
        and proposal.state in {Proposal.State.DRAFT, Proposal.State.SUBMITTED}
        and accepts_proposals(proposal.quest)
    )


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return is_proposing_company_member(user, proposal) and proposal.state in {
        Proposal.State.DRAFT,
        Proposal.State.SUBMITTED,
        Proposal.State.UNDER_REVIEW,
        Proposal.State.ON_HOLD,
    }


def can_review(user, proposal: Proposal) -> bool:
    """Team members score proposals; nobody reviews their own company's proposal."""
    return (
        is_team_member(user, proposal.quest)
        and not is_proposing_company_member(user, proposal)
        and proposal.state
        in {Proposal.State.SUBMITTED, Proposal.State.UNDER_REVIEW, Proposal.State.ON_HOLD}
    )


def can_decide_proposal(user, proposal: Proposal) -> bool:
    """Record adopted / not adopted / on hold: leader, host staff, coordinators, admins."""
    return not is_proposing_company_member(user, proposal) and can_change_state(
        user, proposal.quest
    )


def can_message_on_proposal(user, proposal: Proposal) -> bool:
    return proposal.state != Proposal.State.DRAFT and (
        is_proposing_company_member(user, proposal) or sees_all_proposals(user, proposal.quest)
    )


def can_manage_trial(user, quest: Quest) -> bool:
    return can_edit_quest(user, quest)


def can_view_trial(user, quest: Quest) -> bool:
    """A trial's log is for the team and the adopted company; KPIs are public in the results."""
    if can_manage_trial(user, quest):
        return True
    trial = getattr(quest, "trial", None)
    return trial is not None and roles.is_member_of(user, trial.proposal.company)


def can_manage_selection(user, quest: Quest) -> bool:
    """State the selection's stages and offer or remove interview slots: those who may edit
    the quest (host staff, its team, coordinators of the region, site admins)."""
    return can_edit_quest(user, quest) and quest.state not in CLOSED_STATES


def can_record_stage_result(user, proposal: Proposal) -> bool:
    """Record whether a proposal passes a screening stage: those who decide on proposals
    (the leader, lead host staff, co-host approvers, coordinators, site admins)."""
    return can_decide_proposal(user, proposal)


def can_book_interview(user, proposal: Proposal) -> bool:
    """Book, move or cancel the proposal's interview slot: the proposing company's members."""
    return is_proposing_company_member(user, proposal)


def can_reuse_quest(user, quest: Quest) -> bool:
    return quest.state == Quest.State.COMPLETED and can_create_quest(user)


# --- Querysets that match the rules above ------------------------------------------


def _host_in_regions(region_ids, host="host_id") -> Exists:
    """The row's host organisation (the outer `host` column) belongs to one of `region_ids`:
    one index probe of the organisation-region table per row, never a join that repeats it."""
    return Exists(
        Organisation.regions.through.objects.filter(
            organisation_id=OuterRef(host), region_id__in=region_ids
        )
    )


def visible_quests_q(user) -> Q:
    """Quests the user may open: everything but drafts, plus drafts they could edit.

    Every relation is an EXISTS subquery (co-hosts, team, the host's regions), so the rule
    never repeats a quest and no list needs DISTINCT over its rows."""
    public = ~Q(state=Quest.State.DRAFT)
    if roles.is_site_admin(user):
        return Q()
    if not roles.is_authenticated(user):
        return public
    org_ids = [m.organisation_id for m in roles.active_memberships(user)]
    region_ids = roles.coordinated_region_ids(user)
    drafts = Q(host_id__in=org_ids) | Q(
        Exists(TeamMember.objects.filter(quest=OuterRef("pk"), user_id=user.id))
    )
    if org_ids:
        drafts |= Q(
            Exists(QuestCoHost.objects.filter(quest=OuterRef("pk"), organisation_id__in=org_ids))
        )
    if region_ids:
        drafts |= Q(_host_in_regions(region_ids))
    return public | drafts


def visible_quests(user):
    """Quest rows `visible_quests_q` allows (a queryset, each quest once)."""
    return Quest.objects.filter(visible_quests_q(user))


def visible_proposals_q(user) -> Q:
    """Proposals the user may see: their companies' own, and the team side's submitted ones.
    EXISTS subqueries like `visible_quests_q`: each proposal once, no DISTINCT."""
    if roles.is_site_admin(user):
        return Q()
    if not roles.is_authenticated(user):
        return Q(pk__in=[])
    company_ids = [m.organisation_id for m in roles.active_memberships(user)]
    team_side = Q(Exists(TeamMember.objects.filter(quest=OuterRef("quest_id"), user_id=user.id)))
    region_ids = roles.coordinated_region_ids(user)
    if region_ids:
        team_side |= Q(
            Exists(
                Quest.objects.filter(pk=OuterRef("quest_id")).filter(_host_in_regions(region_ids))
            )
        )
    coordinator_org_ids = [
        m.organisation_id
        for m in roles.active_memberships(user)
        if m.role == Membership.Role.COORDINATOR
    ]
    if coordinator_org_ids:
        team_side |= Q(quest__host_id__in=coordinator_org_ids)
    return Q(company_id__in=company_ids) | (team_side & ~Q(state=Proposal.State.DRAFT))


def visible_proposals(user):
    """Proposal rows `visible_proposals_q` allows (a queryset, each proposal once)."""
    return Proposal.objects.filter(visible_proposals_q(user))


def can_follow(user) -> bool:
    """Follow themes, SDG targets, municipalities and networks and receive their digest:
    active members of a company, university, NPO/intermediary or other non-municipal
    organisation (issue 13: companies follow what matters to them). Municipal staff, who
    post the quests, coordinators and site admins with no such membership, people with no
    organisation and anonymous visitors may not."""
    return roles.is_authenticated(user) and any(
        not m.organisation.is_municipality for m in roles.active_memberships(user)
    )


def can_follow_q(user: str = "pk", active: str = "is_active") -> Q:
    """`can_follow` as a filter: `user` names the user's id and `active` their is_active
    flag in the filtered model (on Follow: "user_id", "user__is_active"); one EXISTS per
    row, so the digest asks it of every follower in the same query."""
    return Q(**{active: True}) & Q(
        Exists(
            Membership.objects.filter(user=OuterRef(user), status=Membership.Status.ACTIVE).exclude(
                organisation__kind=Organisation.Kind.MUNICIPALITY
            )
        )
    )


# --- Proposal desks (提案窓口) ---------------------------------------------------------
# A desk's staff (DeskMember STAFF) triage, route, run the board's sessions and record its
# decisions; its reviewers (DeskMember REVIEWER) score. An open proposal is seen by its
# organisation, the desk's staff and reviewers, site admins, and the members of a
# department it was routed to; the confidential part by all of them but the departments.
# No other organisation sees it in any list, page, search or export.

_DESK_ATTR = "_desk_roles_cache"


def desk_roles(user, desk) -> set[str]:
    """The DeskMember roles `user` holds at `desk` (read once per desk object)."""
    if not roles.is_authenticated(user):
        return set()
    cache = getattr(desk, _DESK_ATTR, None)
    if cache is None:
        cache = {}
        setattr(desk, _DESK_ATTR, cache)
    if user.pk not in cache:
        from .models import DeskMember

        cache[user.pk] = set(
            DeskMember.objects.filter(desk=desk, user_id=user.pk).values_list("role", flat=True)
        )
    return cache[user.pk]


def is_desk_staff(user, desk) -> bool:
    """Triage, route, hold sessions and decide: the desk's staff and site admins."""
    from .models import DeskMember

    return roles.is_site_admin(user) or DeskMember.Role.STAFF in desk_roles(user, desk)


def is_desk_reviewer(user, desk) -> bool:
    """Score agenda items: the reviewers of the desk's board."""
    from .models import DeskMember

    return DeskMember.Role.REVIEWER in desk_roles(user, desk)


def works_at_desk(user, desk) -> bool:
    """The desk's own side: its staff, its reviewers and site admins."""
    return is_desk_staff(user, desk) or is_desk_reviewer(user, desk)


def desk_openers(user) -> list:
    """Who the user may open a proposal desk for: [("municipality", Organisation)] for each
    municipality they work for and [("region", Region)] for each network they coordinate."""
    from cocreation.organisations.models import Region

    options = [("municipality", o) for o in roles.municipalities_of(user)]
    region_ids = roles.coordinated_region_ids(user)
    if region_ids:
        options += [("region", r) for r in Region.objects.filter(pk__in=region_ids)]
    return options


def proposing_organisations(user, desk) -> list:
    """The organisations `user` may propose to `desk` for: every organisation they are an
    active member of (company, NPO, university, another municipality), but the desk's own
    host municipality."""
    return [
        m.organisation for m in roles.active_memberships(user) if m.organisation_id != desk.host_id
    ]


def can_propose_to_desk(user, desk) -> bool:
    return desk.is_open and bool(proposing_organisations(user, desk))


def is_open_proposer(user, proposal) -> bool:
    return roles.is_member_of(user, proposal.organisation)


def is_routed_department_member(user, proposal) -> bool:
    if not roles.is_authenticated(user):
        return False
    from .models import DeskRouting

    return DeskRouting.objects.filter(proposal=proposal, department__members=user).exists()


def can_view_open_proposal(user, proposal) -> bool:
    return (
        is_open_proposer(user, proposal)
        or works_at_desk(user, proposal.desk)
        or is_routed_department_member(user, proposal)
    )


def can_read_confidential(user, proposal) -> bool:
    """The confidential part: the proposer, the desk's staff and reviewers, site admins
    (not the departments it was routed to)."""
    return is_open_proposer(user, proposal) or works_at_desk(user, proposal.desk)


def can_edit_open_proposal(user, proposal) -> bool:
    return is_open_proposer(user, proposal) and proposal.state in proposal.EDITABLE_STATES


def can_triage(user, proposal) -> bool:
    """Needs more information / to the board / decline: the desk's staff, never for a
    proposal of their own organisation, while it waits for triage."""
    return (
        is_desk_staff(user, proposal.desk)
        and not is_open_proposer(user, proposal)
        and proposal.state in proposal.EDITABLE_STATES
    )


def can_route(user, proposal) -> bool:
    from .models import OpenProposal

    return (
        is_desk_staff(user, proposal.desk)
        and not is_open_proposer(user, proposal)
        and proposal.state
        not in {
            OpenProposal.State.DECLINED,
            OpenProposal.State.ADOPTED,
            OpenProposal.State.NOT_ADOPTED,
        }
    )


def can_message_desk(user, proposal) -> bool:
    """The private thread: the proposing organisation and the desk's staff."""
    return is_open_proposer(user, proposal) or is_desk_staff(user, proposal.desk)


def can_score_item(user, item) -> bool:
    """Board reviewers score an undecided item, never their own organisation's proposal."""
    return (
        is_desk_reviewer(user, item.session.desk)
        and not is_open_proposer(user, item.proposal)
        and not item.decision
    )


def can_decide_item(user, item) -> bool:
    """The board's decision is recorded by the desk's staff (not for their own
    organisation's proposal)."""
    return is_desk_staff(user, item.session.desk) and not is_open_proposer(user, item.proposal)


def visible_open_proposals_q(user) -> Q:
    """Open proposals the user may see (can_view_open_proposal as a query): EXISTS
    subqueries, each proposal once."""
    from .models import DeskMember, DeskRouting

    if roles.is_site_admin(user):
        return Q()
    if not roles.is_authenticated(user):
        return Q(pk__in=[])
    org_ids = [m.organisation_id for m in roles.active_memberships(user)]
    return (
        Q(organisation_id__in=org_ids)
        | Q(Exists(DeskMember.objects.filter(desk=OuterRef("desk_id"), user_id=user.pk)))
        | Q(Exists(DeskRouting.objects.filter(proposal=OuterRef("pk"), department__members=user)))
    )


# --- Reuse by other municipalities (横展開) ----------------------------------------------
# Staff of a municipality other than the quest's hosts record that their municipality is
# considering, adopted or adapted a completed quest's result; anyone reads the public part
# of those records; the private note is for the recording municipality and the quest team.


def reuse_municipalities(user, quest: Quest) -> list[Organisation]:
    """The municipalities `user` may record a reuse of `quest` for: those they are active
    staff of, but the quest's host and co-hosts, once the quest is completed (its result
    exists). Empty for anyone else (company members, people with no organisation,
    anonymous visitors)."""
    if quest.state != Quest.State.COMPLETED:
        return []
    hosts = host_ids(quest)
    return [o for o in roles.municipalities_of(user) if o.pk not in hosts]


def can_record_reuse(user, quest: Quest) -> bool:
    """Record or update a reuse of `quest`: see `reuse_municipalities`."""
    return bool(reuse_municipalities(user, quest))


def reuse_private_note_municipality_ids(user, quest: Quest) -> set[int] | None:
    """Whose private notes on `quest`'s reuse records `user` may read: None for every
    record (the quest's team), else the ids of the municipalities they are active staff
    of (their own records), possibly empty."""
    if is_team_member(user, quest):
        return None
    return {o.pk for o in roles.municipalities_of(user)}


def can_read_reuse_private_note(user, entry) -> bool:
    """The private note of a reuse record: the recording municipality's staff and the
    quest's team."""
    ids = reuse_private_note_municipality_ids(user, entry.quest)
    return ids is None or entry.municipality_id in ids
