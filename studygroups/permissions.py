"""Who may do what in study groups.

- coordinators (of an organisation or a region) and site admins start programmes and
  cohorts for the organisations they coordinate;
- coordinators of a cohort (listed on it, coordinators of the organiser's regions, site
  admins) run it: settings, recruitment, teams, sessions, attendance, outcomes;
- accepted members see their cohort; team leaders and sub-leaders record their team's
  attendance; a team's members upload its deliverables;
- reviewers (senior staff, lecturers with an account) comment on deliverables;
- municipal staff of a participating organisation may apply while recruitment is open;
- published outcomes are public.
"""

from django.db.models import Q

from cocreation import permissions as roles

from .models import Cohort, Member, Session, Submission, Team


def can_start_cohort(user) -> bool:
    """Site admins, and coordinators of at least one organisation."""
    return roles.is_site_admin(user) or (
        roles.is_coordinator(user) and roles.coordinated_organisations(user).exists()
    )


def is_coordinator(user, cohort: Cohort) -> bool:
    """Runs the cohort: listed on it, a coordinator of its organiser (or its regions), or
    a site admin."""
    if not roles.is_authenticated(user):
        return False
    if roles.is_site_admin(user):
        return True
    if cohort.coordinators.filter(pk=user.pk).exists():
        return True
    return roles.is_coordinator(user) and roles.coordinates_organisation(
        user, cohort.programme.organiser
    )


def can_edit_programme(user, programme) -> bool:
    """The programme's name and description belong to every year: its organiser's
    coordinators (and site admins) change them, not a single cohort's coordinators."""
    return roles.is_site_admin(user) or roles.coordinates_organisation(user, programme.organiser)


def membership(user, cohort: Cohort) -> Member | None:
    """The user's accepted membership of the cohort, with its team, or None."""
    if not roles.is_authenticated(user):
        return None
    return (
        Member.objects.filter(cohort=cohort, user=user, status=Member.Status.ACCEPTED)
        .select_related("team")
        .first()
    )


def is_listed_reviewer(user, cohort: Cohort) -> bool:
    """Listed on the cohort as a reviewer (senior staff, lecturers)."""
    return roles.is_authenticated(user) and cohort.reviewers.filter(pk=user.pk).exists()


def is_reviewer(user, cohort: Cohort) -> bool:
    """Comments on the cohort's reports: its coordinators and listed reviewers."""
    return is_coordinator(user, cohort) or is_listed_reviewer(user, cohort)


def can_view_cohort(user, cohort: Cohort) -> bool:
    """Coordinators, members, reviewers, and every municipal staff member (who may apply)."""
    return (
        is_coordinator(user, cohort)
        or membership(user, cohort) is not None
        or is_reviewer(user, cohort)
        or roles.is_municipal_staff(user)
    )


def visible_cohorts(user):
    """The cohorts can_view_cohort lets the user open, as a queryset for lists."""
    cohorts = Cohort.objects.all()
    if roles.is_site_admin(user) or roles.is_municipal_staff(user):
        return cohorts
    if not roles.is_authenticated(user):
        return cohorts.none()
    mine = (
        Q(coordinators=user)
        | Q(reviewers=user)
        | Q(members__user=user, members__status=Member.Status.ACCEPTED)
    )
    if roles.is_coordinator(user):
        mine |= Q(programme__organiser__in=roles.coordinated_organisations(user))
    return cohorts.filter(pk__in=cohorts.filter(mine).values("pk"))


def can_apply(user, cohort: Cohort) -> bool:
    """Staff of one of the cohort's participating municipalities (the window is the
    service's rule)."""
    org_ids = {o.pk for o in roles.municipalities_of(user)}
    return bool(org_ids) and cohort.organisations.filter(pk__in=org_ids).exists()


def can_record_attendance(user, session: Session) -> bool:
    """The cohort's coordinators, and the leader and sub-leader of the session's team."""
    if is_coordinator(user, session.cohort):
        return True
    if session.team_id is None:
        return False
    member = membership(user, session.cohort)
    return (
        member is not None
        and member.team_id == session.team_id
        and member.team_role in (Member.TeamRole.LEADER, Member.TeamRole.SUB_LEADER)
    )


def can_upload(user, team: Team) -> bool:
    """The team's members and the cohort's coordinators."""
    member = membership(user, team.cohort)
    return is_coordinator(user, team.cohort) or (member is not None and member.team_id == team.pk)


def can_view_submission(user, submission: Submission) -> bool:
    """Those who may upload for the team, and the cohort's reviewers."""
    team = submission.team
    return can_upload(user, team) or is_reviewer(user, team.cohort)


def can_comment(user, submission: Submission) -> bool:
    """The cohort's reviewers (coordinators included)."""
    return is_reviewer(user, submission.team.cohort)


# --- Exchange meetings (情報交換会, issue 14) ----------------------------------------------
# Those who run the network (its coordinators, site admins: `can_manage_network`) schedule
# a network's meetings, see who registered and record the minutes; staff of the network's
# member municipalities see its meetings, register and answer the survey. Company members,
# people of no organisation and anonymous visitors see none of it.


def member_network_ids(user) -> set[int]:
    """The ids of the networks (Regions) one of the user's municipalities belongs to
    (read from the memberships cached on the user: no query after the first)."""
    return {region.id for org in roles.municipalities_of(user) for region in org.regions.all()}


def can_use_meetings(user) -> bool:
    """Opens the list of upcoming exchange meetings: municipal staff and site admins."""
    return roles.is_site_admin(user) or roles.is_municipal_staff(user)


def can_run_meetings(user, region) -> bool:
    """Schedules `region`'s meetings, sees their participants, records their minutes:
    those who run the network (`cocreation.permissions.can_manage_network`)."""
    return roles.can_manage_network(user, region)


def can_view_network_meetings(user, region) -> bool:
    """Sees `region`'s meetings and their published minutes: staff of its member
    municipalities and those who run it."""
    return can_run_meetings(user, region) or region.id in member_network_ids(user)


def registering_municipality(user, meeting):
    """The user's municipality through which they may register for `meeting` (a member of
    its network), or None: only staff of member municipalities take part."""
    for organisation in roles.municipalities_of(user):
        if any(region.id == meeting.region_id for region in organisation.regions.all()):
            return organisation
    return None


def visible_meetings_q(user) -> Q:
    """The exchange meetings `user` may see, as a filter on ExchangeMeeting."""
    if roles.is_site_admin(user):
        return Q()
    ids = member_network_ids(user) | roles.coordinated_region_ids(user)
    return Q(region_id__in=ids) if ids else Q(pk__in=[])
