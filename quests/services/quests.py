"""A quest's life: creation, edits, state changes with their audit trail, the team, reuse."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreation import permissions as roles
from cocreation.notifications.services import notify_many

from .. import permissions
from ..errors import QuestError
from ..models import (
    Proposal,
    Quest,
    QuestCoHost,
    QuestTransition,
    ReviewCriterion,
    ReviewScore,
    TeamMember,
    Trial,
)
from ..reference_data import DEFAULT_CRITERIA
from . import reuse

# The moves a quest may make; anything else is refused on the server.
ALLOWED_MOVES: dict[str, set[str]] = {
    Quest.State.DRAFT: {Quest.State.OPEN, Quest.State.CANCELLED},
    Quest.State.OPEN: {Quest.State.SELECTING, Quest.State.CANCELLED},
    Quest.State.SELECTING: {Quest.State.OPEN, Quest.State.IN_TRIAL, Quest.State.CANCELLED},
    Quest.State.IN_TRIAL: {Quest.State.COMPLETED, Quest.State.CANCELLED},
    Quest.State.COMPLETED: set(),
    Quest.State.CANCELLED: set(),
}

# Button labels for each move, in the order the page offers them.
MOVE_LABELS = {
    Quest.State.OPEN: gettext_lazy("Start taking proposals"),
    Quest.State.SELECTING: gettext_lazy("Close proposals and start selecting"),
    Quest.State.IN_TRIAL: gettext_lazy("Start the trial"),
    Quest.State.COMPLETED: gettext_lazy("Complete the quest"),
    Quest.State.CANCELLED: gettext_lazy("Cancel the quest"),
}


def allowed_moves(quest: Quest) -> list[str]:
    """The states `quest` may move to now (ALLOWED_MOVES), in the order of MOVE_LABELS."""
    return [state for state in MOVE_LABELS if state in ALLOWED_MOVES[quest.state]]


def hosts_user_may_choose(user) -> QuerySet:
    """The municipalities `user` may host a quest for, as a queryset by reading: every
    one for site admins; else their own and, for coordinators, those of the regions they
    coordinate. A queryset, not a list: a site admin's is all 1,741 at national size,
    which a form offers typed rather than as a select (`organisation_choice`)."""
    from cocreation.organisations.models import Organisation

    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if not roles.is_site_admin(user):
        condition = Q(pk__in=[o.pk for o in roles.municipalities_of(user)])
        region_ids = roles.coordinated_region_ids(user)
        if region_ids:
            members = Organisation.regions.through.objects.filter(region_id__in=region_ids)
            condition |= Q(pk__in=members.values("organisation_id"))
        municipalities = municipalities.filter(condition)
    return municipalities.order_by("name_kana", "name", "pk")


def _may_host(user, host) -> bool:
    return hosts_user_may_choose(user).filter(pk=host.pk).exists()


def _team_organisation(user, host):
    """The municipality a new team member represents: the host if they work there."""
    municipalities = roles.municipalities_of(user)
    for organisation in municipalities:
        if organisation.pk == host.pk:
            return organisation
    return municipalities[0] if municipalities else host


@transaction.atomic
def quest_create(*, user, host, data: dict, themes=(), sdg_targets=(), co_hosts=()) -> Quest:
    """A new draft quest hosted by `host`, with the five default review criteria; a member
    of municipal staff who creates it leads its team.

    `data`: {Quest column: value} (title, summary, … as QuestForm.quest_data gives them);
    `themes`, `sdg_targets`, `co_hosts`: Theme, SdgTarget and Organisation rows. Raises
    QuestError (field "host") when the user may not host quests for `host`."""
    if not _may_host(user, host):
        raise QuestError(_("You cannot create quests for this municipality."), field="host")
    quest = Quest.objects.create(host=host, created_by=user, **data)
    quest.themes.set(themes)
    quest.sdg_targets.set(sdg_targets)
    _set_co_hosts(quest, co_hosts)
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(quest=quest, name=name, position=position)
        for position, (name, _english) in enumerate(DEFAULT_CRITERIA)
    )
    if roles.is_municipal_staff(user):
        TeamMember.objects.create(
            quest=quest,
            user=user,
            organisation=_team_organisation(user, host),
            role=TeamMember.Role.LEADER,
        )
    return quest


def _set_co_hosts(quest: Quest, co_hosts) -> None:
    wanted = {o.pk for o in co_hosts if o.pk != quest.host_id}
    QuestCoHost.objects.filter(quest=quest).exclude(organisation_id__in=wanted).delete()
    existing = set(
        QuestCoHost.objects.filter(quest=quest).values_list("organisation_id", flat=True)
    )
    QuestCoHost.objects.bulk_create(
        QuestCoHost(quest=quest, organisation_id=pk) for pk in wanted - existing
    )


@transaction.atomic
def quest_update(*, quest: Quest, user, data: dict, themes, sdg_targets, co_hosts) -> Quest:
    """Save the quest's text (`data`, {Quest column: value}) and its themes, SDG targets and
    co-hosts; the state is never touched. Raises QuestError for someone who may not edit
    the quest, or once it is completed or cancelled."""
    if not permissions.can_edit_quest(user, quest):
        raise QuestError(_("You cannot edit this quest."))
    # The edit page read the quest earlier: lock the row so a state change committed since
    # is seen, and write only the edited fields, so a stale copy never reverts the state.
    locked = Quest.objects.select_for_update().get(pk=quest.pk)
    if locked.state in permissions.CLOSED_STATES:
        raise QuestError(_("A completed or cancelled quest can no longer be edited."))
    for name, value in data.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*data, "updated_at"])
    locked.themes.set(themes)
    locked.sdg_targets.set(sdg_targets)
    _set_co_hosts(locked, co_hosts)
    return locked


def quest_transition(
    *, quest: Quest, user, to_state: str, comment: str = "", private_note: str = ""
) -> QuestTransition:
    """Move the quest to `to_state` if that move is allowed now, and record who did it.

    `comment` is public (the quest's history shows it to anyone who may see the quest);
    `private_note` is for the team only (shown to those who may edit the quest and sent in
    the team's notification)."""
    with transaction.atomic():
        # The row lock makes two simultaneous moves queue: the second sees the new state.
        locked = Quest.objects.select_for_update().get(pk=quest.pk)
        if not permissions.can_change_state(user, quest):
            raise QuestError(_("You cannot change the state of this quest."))
        if to_state not in ALLOWED_MOVES.get(locked.state, set()):
            raise QuestError(
                _("This quest is “%(state)s”; it cannot move to “%(target)s” now.")
                % {
                    "state": Quest.State(locked.state).label,
                    "target": Quest.State(to_state).label
                    if to_state in Quest.State.values
                    else to_state,
                }
            )
        _check_move(locked, to_state)
        from_state = locked.state
        locked.state = to_state
        fields = ["state", "updated_at"]
        if to_state == Quest.State.OPEN and locked.opened_at is None:
            locked.opened_at = timezone.now()
            fields.append("opened_at")
        locked.save(update_fields=fields)
        if to_state == Quest.State.IN_TRIAL and not Trial.objects.filter(quest=locked).exists():
            adopted = locked.proposals.filter(state=Proposal.State.ADOPTED).order_by(
                "decided_at", "pk"
            )[0]
            Trial.objects.create(
                quest=locked,
                proposal=adopted,
                starts_on=locked.trial_starts_on,
                ends_on=locked.trial_ends_on,
            )
        transition = QuestTransition.objects.create(
            quest=locked,
            from_state=from_state,
            to_state=to_state,
            actor=user,
            comment=comment,
            private_note=private_note,
        )
        quest.state = locked.state
        quest.opened_at = locked.opened_at
        team = TeamMember.objects.filter(quest=locked).values("user_id")
        notify_many(
            get_user_model().objects.filter(pk__in=team).exclude(pk=user.pk),
            "quest.state_changed",
            locked,
            context={
                "quest": locked.title,
                "state": Quest.State(to_state).label,
                "from_state": Quest.State(from_state).label,
                "actor": user.display_name,
                "comment": "\n".join(text for text in (comment, private_note) if text),
            },
            url=locked.get_absolute_url(),
            key_prefix=f"quest.state_changed|{transition.pk}",
        )
    return transition


def _check_move(quest: Quest, to_state: str) -> None:
    today = timezone.localdate()
    if to_state == Quest.State.OPEN:
        if quest.proposal_deadline is None or quest.proposal_deadline < today:
            raise QuestError(
                _("Set a proposal deadline in the future before opening the quest."),
                field="proposal_deadline",
            )
        if not quest.criteria.exists():
            raise QuestError(_("Add at least one review criterion before opening the quest."))
    if (
        to_state == Quest.State.IN_TRIAL
        and not quest.proposals.filter(state=Proposal.State.ADOPTED).exists()
    ):
        raise QuestError(_("Adopt a proposal before starting the trial."))


# --- The team -------------------------------------------------------------------------


def team_join(*, quest: Quest, user, organisation=None) -> TeamMember:
    """Staff of any municipality join the team, for the municipality they work for
    (`organisation`; default the host if they work there, else their first). Raises
    QuestError for someone already on the team, not municipal staff, or choosing a
    municipality they do not work for."""
    if not permissions.can_join_team(user, quest):
        if permissions.is_team_member(user, quest):
            raise QuestError(_("You are already on this quest's team."))
        raise QuestError(_("Only municipal staff can join a quest team."))
    municipalities = roles.municipalities_of(user)
    if organisation is None:
        organisation = _team_organisation(user, quest.host)
    if organisation not in municipalities:
        raise QuestError(_("Choose a municipality you work for."), field="organisation")
    try:
        with transaction.atomic():
            Quest.objects.select_for_update().get(pk=quest.pk)
            member = TeamMember.objects.create(quest=quest, user=user, organisation=organisation)
    except IntegrityError:
        raise QuestError(_("You are already on this quest's team.")) from None
    permissions.forget_team(quest)
    return member


@transaction.atomic
def team_leave(*, quest: Quest, user) -> None:
    """The user leaves the quest's team. Raises QuestError when they are not on it, or
    are its last leader while others remain."""
    Quest.objects.select_for_update().get(pk=quest.pk)
    member = TeamMember.objects.filter(quest=quest, user=user).first()
    if member is None:
        raise QuestError(_("You are not on this quest's team."))
    _ensure_a_leader_remains(quest, member)
    member.delete()
    permissions.forget_team(quest)


def _ensure_a_leader_remains(quest: Quest, leaving: TeamMember) -> None:
    if leaving.role != TeamMember.Role.LEADER:
        return
    others = TeamMember.objects.filter(quest=quest).exclude(pk=leaving.pk)
    if others.exists() and not others.filter(role=TeamMember.Role.LEADER).exists():
        raise QuestError(
            _("The team needs a leader: make another member leader before the last leader leaves.")
        )


@transaction.atomic
def team_member_set_role(*, quest: Quest, user, member: TeamMember, role: str) -> TeamMember:
    """Give `member` the `role` (TeamMember.Role). Raises QuestError for someone who may
    not manage the team, an unknown role, a member who left meanwhile, or the last leader
    made a member."""
    if not permissions.can_manage_team(user, quest):
        raise QuestError(_("You cannot manage this quest's team."))
    Quest.objects.select_for_update().get(pk=quest.pk)
    if role not in TeamMember.Role.values:
        raise QuestError(_("Choose a valid role."), field="role")
    member = _current_member(quest, member)
    if role == TeamMember.Role.MEMBER:
        _ensure_a_leader_remains(quest, member)
    member.role = role
    member.save(update_fields=["role"])
    permissions.forget_team(quest)
    return member


@transaction.atomic
def team_member_remove(*, quest: Quest, user, member: TeamMember) -> None:
    """Remove `member` from the team. Raises QuestError for someone who may not manage the
    team, a member who left meanwhile, or the last leader while others remain."""
    if not permissions.can_manage_team(user, quest):
        raise QuestError(_("You cannot manage this quest's team."))
    Quest.objects.select_for_update().get(pk=quest.pk)
    member = _current_member(quest, member)
    _ensure_a_leader_remains(quest, member)
    member.delete()
    permissions.forget_team(quest)


def _current_member(quest: Quest, member: TeamMember) -> TeamMember:
    """The member as the database has it now, read under the quest's lock: the page's
    copy may be stale (the person left, or their role changed, meanwhile)."""
    current = TeamMember.objects.filter(pk=member.pk, quest=quest).first()
    if current is None:
        raise QuestError(_("This person is no longer on the quest's team."))
    return current


# --- Review criteria ------------------------------------------------------------------


def criteria_update(*, quest: Quest, user, rows: list[dict]) -> None:
    """Save the quest's review criteria as the page lists them.

    rows: [{"id": pk or None, "name": str, "description": str, "weight": points 1–100 or
    None (kept; 20 for a new criterion), "delete": bool}] in order;
    an id that is not one of this quest's criteria is treated as a new row. Criteria the
    rows do not mention stay as they are, after the listed ones. Names may be exchanged
    between rows (the uniqueness constraint is deferred and checked before returning).
    Raises QuestError (with `field="name"` and `row`, the index into rows, for a name
    used twice).
    """
    if not permissions.can_edit_quest(user, quest):
        raise QuestError(_("You cannot edit this quest."))
    try:
        with transaction.atomic():
            _criteria_save(quest, rows)
            # Check the deferred uniqueness now, inside this savepoint, rather than at the
            # request's commit where it could only be a server error.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS quests_criterion_name_once IMMEDIATE")
    except IntegrityError:
        raise QuestError(_("A criterion with this name already exists."), field="name") from None


def _criteria_save(quest: Quest, rows: list[dict]) -> None:
    Quest.objects.select_for_update().get(pk=quest.pk)
    existing = {c.pk: c for c in quest.criteria.all()}
    scored = set(
        ReviewScore.objects.filter(criterion__quest=quest).values_list("criterion_id", flat=True)
    )
    listed = {row.get("id") for row in rows if row.get("id") in existing}
    # Criteria the page did not send (a tampered form) keep their names: a row may not
    # take one of them.
    untouched = {c.name for pk, c in existing.items() if pk not in listed}
    position = 0
    kept_names: set[str] = set()
    for index, row in enumerate(rows):
        criterion = existing.get(row.get("id"))
        if row.get("delete"):
            if criterion is None:
                continue
            if criterion.pk in scored:
                raise QuestError(
                    _("“%(name)s” already has scores and cannot be removed.")
                    % {"name": criterion.name}
                )
            criterion.delete()
            continue
        name = (row.get("name") or "").strip()
        if not name:
            continue
        if name in kept_names or name in untouched:
            raise QuestError(
                _("A criterion with this name already exists."), field="name", row=index
            )
        kept_names.add(name)
        if criterion is None:
            criterion = ReviewCriterion(quest=quest)
        criterion.name = name
        criterion.description = (row.get("description") or "").strip()
        if row.get("weight") is not None:
            if not 1 <= row["weight"] <= 100:
                raise QuestError(
                    _("Give a criterion from 1 to 100 points."), field="weight", row=index
                )
            criterion.weight = row["weight"]
        criterion.position = position
        criterion.save()
        position += 1
    for criterion in sorted(
        (c for pk, c in existing.items() if pk not in listed), key=lambda c: (c.position, c.pk)
    ):
        criterion.position = position
        criterion.save(update_fields=["position"])
        position += 1
    if not quest.criteria.exists():
        raise QuestError(_("A quest needs at least one review criterion."))


# --- Reuse ----------------------------------------------------------------------------


REUSE_DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=10)


@transaction.atomic
def quest_reuse(*, source: Quest, user, host) -> Quest:
    """Start a new draft from a completed quest: its issue, themes, SDGs and criteria. In
    the same transaction the new host, when it is not one of the source's hosts, is
    recorded in the source's reuse ledger as considering it (services.reuse)."""
    if not permissions.can_reuse_quest(user, source):
        raise QuestError(_("Only a completed quest can be reused, by municipal staff."))
    if not _may_host(user, host):
        raise QuestError(_("You cannot create quests for this municipality."), field="host")
    # A double click (or two tabs) must not leave two identical drafts: under the user's
    # row lock, a draft this person started from the same quest minutes ago is the one.
    get_user_model().objects.lock(user)
    recent = (
        Quest.objects.filter(
            reused_from=source,
            created_by=user,
            host=host,
            state=Quest.State.DRAFT,
            created_at__gte=timezone.now() - REUSE_DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        reuse.reuse_from_draft(source=source, user=user, municipality=host, draft=recent)
        return recent
    quest = Quest.objects.create(
        host=host,
        created_by=user,
        reused_from=source,
        title=source.title,
        summary=source.summary,
        background=source.background,
        affected=source.affected,
        tried=source.tried,
        outcome_sought=source.outcome_sought,
        offers=list(source.offers),
        offer_details=source.offer_details,
    )
    quest.themes.set(source.themes.all())
    quest.sdg_targets.set(source.sdg_targets.all())
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(
            quest=quest,
            name=c.name,
            description=c.description,
            position=c.position,
            weight=c.weight,
        )
        for c in source.criteria.all()
    )
    if roles.is_municipal_staff(user):
        TeamMember.objects.create(
            quest=quest,
            user=user,
            organisation=_team_organisation(user, host),
            role=TeamMember.Role.LEADER,
        )
    reuse.reuse_from_draft(source=source, user=user, municipality=host, draft=quest)
    return quest
