"""Teams (班): coordinators put accepted members in teams with roles, or confirm a proposed
set of teams. One leader and one sub-leader per team and the representative from outside
them are database constraints; a team's size is counted under a lock on its row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.notifications.services import notify

from .. import permissions
from ..errors import StudyError
from ..models import Cohort, Member, Team

LEADS_THE_COHORT = (Member.CohortRole.REPRESENTATIVE, Member.CohortRole.DEPUTY)
LEADS_A_TEAM = (Member.TeamRole.LEADER, Member.TeamRole.SUB_LEADER)


def member_assign_team(*, member: Member, team: Team | None, role: str, user) -> Member:
    """Put an accepted member in `team` (None: out of every team) with `role` (a
    Member.TeamRole value); the member is told of each move. The team row is locked while
    its size is counted, so two coordinators filling the last seat at once cannot both
    win. Raises StudyError naming the field ("team", "team_role")."""
    if not permissions.is_coordinator(user, member.cohort):
        raise StudyError(_("Only the cohort's coordinators form teams."))
    if team is not None and role not in Member.TeamRole.values:
        raise StudyError(_("Choose a role in the team."), field="team_role")
    try:
        with transaction.atomic():
            if team is not None:
                team = Team.objects.select_for_update().get(pk=team.pk)
            current = Member.objects.select_for_update().get(pk=member.pk)
            if current.status != Member.Status.ACCEPTED:
                raise StudyError(_("Only accepted members join a team."))
            if team is not None and current.team_id != team.pk:
                size = Member.objects.filter(team=team).count()
                if size >= team.max_size:
                    raise StudyError(
                        _("%(team)s is full (%(size)d members).")
                        % {"team": team, "size": team.max_size},
                        field="team",
                    )
            if team is not None and role in LEADS_A_TEAM:
                if current.cohort_role in LEADS_THE_COHORT:
                    raise StudyError(
                        _("The representative and the deputy cannot lead a team."),
                        field="team_role",
                    )
            new_role = role if team is not None else ""
            moved = (current.team_id, current.team_role) != (
                team.pk if team is not None else None,
                new_role,
            )
            current.team = team
            current.team_role = new_role
            current.save(update_fields=["team", "team_role"])
            if moved and team is not None:
                notify(
                    current.user,
                    "study.team_assigned",
                    current,
                    context={
                        "cohort": current.cohort.title,
                        "team": team,
                        "role": Member.TeamRole(new_role).label,
                    },
                    url=current.cohort.get_absolute_url(),
                    # Each move is news: the key names the moment, not only the member.
                    key=f"study.team_assigned|{current.pk}|{team.pk}|{new_role}|"
                    f"{timezone.now().timestamp()}",
                )
    except IntegrityError:
        raise StudyError(
            _("This team already has a leader or sub-leader in that role."), field="team_role"
        ) from None
    return current


def member_set_cohort_role(*, member: Member, role: str, user) -> Member:
    """Make a member the cohort's representative, deputy or support member (`role`, a
    Member.CohortRole value; "" for none). The cohort row is locked, so the cohort has one
    representative and one deputy, chosen from outside the team leaders and sub-leaders.
    Raises StudyError naming "cohort_role"."""
    if not permissions.is_coordinator(user, member.cohort):
        raise StudyError(_("Only the cohort's coordinators choose the representative."))
    try:
        with transaction.atomic():
            Cohort.objects.select_for_update().get(pk=member.cohort_id)
            current = Member.objects.select_for_update().get(pk=member.pk)
            if role in LEADS_THE_COHORT and current.team_role in LEADS_A_TEAM:
                raise StudyError(
                    _(
                        "The representative and the deputy are chosen from outside the team "
                        "leaders and sub-leaders."
                    ),
                    field="cohort_role",
                )
            current.cohort_role = role
            current.save(update_fields=["cohort_role"])
    except IntegrityError:
        raise StudyError(
            _("The cohort already has someone in that role."), field="cohort_role"
        ) from None
    return current


@transaction.atomic
def member_place(
    *, member: Member, team: Team | None, team_role: str, cohort_role: str, user
) -> Member:
    """Put a member in a team with a team role and a cohort role (代表/副代表 or "") in one
    transaction: if any step is refused (StudyError), nothing of the others is kept.

    A cohort role is cleared before a team role that conflicts with it, and set after.
    """
    if member.cohort_role and not cohort_role:
        member = member_set_cohort_role(member=member, role="", user=user)
    member = member_assign_team(member=member, team=team, role=team_role, user=user)
    if cohort_role and cohort_role != member.cohort_role:
        member = member_set_cohort_role(member=member, role=cohort_role, user=user)
    return member


@transaction.atomic
def team_plan_confirm(*, cohort: Cohort, plan: dict[int, list[int]], user) -> None:
    """Form the cohort's teams from a proposal: `plan` maps team ids of the cohort to the
    ids of the accepted members placed in them, all as plain members (roles come after);
    everyone else leaves their team. Ids of other cohorts or of members not accepted are
    ignored. Raises StudyError when a team would hold more than its size (nothing is kept)."""
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators form teams."))
    Member.objects.filter(cohort=cohort).update(team=None, team_role="")
    for team_pk, member_ids in plan.items():
        team = Team.objects.select_for_update().get(pk=team_pk, cohort=cohort)
        if len(member_ids) > team.max_size:
            raise StudyError(
                _("%(team)s is full (%(size)d members).") % {"team": team, "size": team.max_size}
            )
        Member.objects.filter(
            cohort=cohort, pk__in=member_ids, status=Member.Status.ACCEPTED
        ).update(team=team, team_role=Member.TeamRole.MEMBER)
