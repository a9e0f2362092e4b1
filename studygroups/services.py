"""Running a cohort: recruitment, teams, sessions, attendance, deliverables, outcomes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.core import inputs
from cocreation.core.uploads import safe_name
from cocreation.notifications.models import Notification
from cocreation.notifications.services import notify
from cocreation.templatetags.portal import jdate

from . import permissions
from .models import (
    Attendance,
    Cohort,
    Deliverable,
    Field,
    Member,
    Outcome,
    Phase,
    Programme,
    ReviewComment,
    Session,
    Submission,
    SurveyResponse,
    Team,
    team_role_rank,
)


class StudyError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- Recruitment -----------------------------------------------------------------------


def eligibility_errors(*, cohort: Cohort, organisation, birth_date, today=None) -> list:
    """Why this person cannot apply, as (field, message) pairs; empty when they can."""
    today = today or timezone.localdate()
    errors = []
    if cohort.recruitment_opens and today < cohort.recruitment_opens:
        errors.append((None, _("Applications open on %(date)s.") % {
            "date": jdate(cohort.recruitment_opens)}))  # fmt: skip
    if cohort.recruitment_closes and today > cohort.recruitment_closes:
        errors.append((None, _("Applications closed on %(date)s.") % {
            "date": jdate(cohort.recruitment_closes)}))  # fmt: skip
    if not cohort.organisations.filter(pk=organisation.pk).exists():
        errors.append(("organisation", _("%(organisation)s does not take part in this cohort.")
                       % {"organisation": organisation.name}))  # fmt: skip
    if cohort.age_limit is not None:
        if birth_date is None:
            errors.append(
                ("birth_date", _("Enter your date of birth: the cohort has an age limit."))
            )
        else:
            age = age_on(birth_date, cohort.april_first)
            if age > cohort.age_limit:
                errors.append(
                    ("birth_date",
                     _("On %(date)s you were %(age)d; this cohort is for staff aged %(limit)d "
                       "or under on that day.")
                     % {"date": jdate(cohort.april_first), "age": age, "limit": cohort.age_limit})
                )  # fmt: skip
    return errors


def apply(*, cohort: Cohort, user, organisation, birth_date, preferred_fields, motivation,
          department="", position="", today=None) -> Member:  # fmt: skip
    if organisation not in roles.municipalities_of(user):
        raise StudyError(_("Choose a municipality you work for."), "organisation")
    errors = eligibility_errors(
        cohort=cohort, organisation=organisation, birth_date=birth_date, today=today
    )
    if errors:
        field, message = errors[0]
        raise StudyError(message, field)
    try:
        with transaction.atomic():
            member = Member.objects.create(
                cohort=cohort, user=user, organisation=organisation, birth_date=birth_date,
                motivation=motivation, department=department or user.department,
                position=position or user.position,
            )  # fmt: skip
            member.preferred_fields.set(preferred_fields)
            for coordinator in cohort.coordinators.all():
                notify(
                    coordinator, "study.application_received", member,
                    context={"cohort": cohort.title, "person": user.display_name,
                             "organisation": organisation.name,
                             "fields": "、".join(f.name for f in preferred_fields)},
                    url=reverse("studygroups:applications", args=[cohort.pk]),
                )  # fmt: skip
    except IntegrityError:
        raise StudyError(_("You have already applied to this cohort.")) from None
    return member


def decide_application(*, member: Member, user, accept: bool) -> Member:
    if not permissions.is_coordinator(user, member.cohort):
        raise StudyError(_("Only the cohort's coordinators decide on applications."))
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status != Member.Status.APPLIED:
            raise StudyError(_("This application was already decided."))
        locked.status = Member.Status.ACCEPTED if accept else Member.Status.DECLINED
        locked.decided_by = user
        locked.save(update_fields=["status", "decided_by"])
        notify(
            locked.user,
            "study.application_accepted" if accept else "study.application_declined",
            locked,
            context={"cohort": locked.cohort.title},
            url=locked.cohort.get_absolute_url(),
        )
    return locked


# --- Teams ------------------------------------------------------------------------------


LEADS_THE_COHORT = (Member.CohortRole.REPRESENTATIVE, Member.CohortRole.DEPUTY)


def assign_team(*, member: Member, team: Team | None, role: str, user) -> Member:
    """Put an accepted member in a team with a role; the team row is locked while its
    size is counted, so two coordinators filling the last seat at once cannot both win."""
    if not permissions.is_coordinator(user, member.cohort):
        raise StudyError(_("Only the cohort's coordinators form teams."))
    if team is not None and role not in Member.TeamRole.values:
        raise StudyError(_("Choose a role in the team."), "team_role")
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
                        "team",
                    )
            if team is not None and role in (Member.TeamRole.LEADER, Member.TeamRole.SUB_LEADER):
                if current.cohort_role in LEADS_THE_COHORT:
                    raise StudyError(
                        _("The representative and the deputy cannot lead a team."), "team_role"
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
                    current.user, "study.team_assigned", current,
                    context={"cohort": current.cohort.title, "team": team,
                             "role": Member.TeamRole(new_role).label},
                    url=current.cohort.get_absolute_url(),
                    # Each move is news: the key names the moment, not only the member.
                    key=f"study.team_assigned|{current.pk}|{team.pk}|{new_role}|"
                    f"{timezone.now().timestamp()}",
                )  # fmt: skip
    except IntegrityError:
        raise StudyError(_("This team already has a leader or sub-leader in that role."),
                         "team_role") from None  # fmt: skip
    return current


@transaction.atomic
def place_member(*, member: Member, team: Team | None, team_role: str, cohort_role: str, user):
    """Put a member in a team with a team role and a cohort role (代表/副代表 or "") in one
    transaction: if any step is refused (StudyError), nothing of the others is kept.

    A cohort role is cleared before a team role that conflicts with it, and set after.
    """
    if member.cohort_role and not cohort_role:
        member = set_cohort_role(member=member, role="", user=user)
    member = assign_team(member=member, team=team, role=team_role, user=user)
    if cohort_role and cohort_role != member.cohort_role:
        member = set_cohort_role(member=member, role=cohort_role, user=user)
    return member


def set_cohort_role(*, member: Member, role: str, user) -> Member:
    if not permissions.is_coordinator(user, member.cohort):
        raise StudyError(_("Only the cohort's coordinators choose the representative."))
    try:
        with transaction.atomic():
            Cohort.objects.select_for_update().get(pk=member.cohort_id)
            current = Member.objects.select_for_update().get(pk=member.pk)
            leads_a_team = current.team_role in (Member.TeamRole.LEADER, Member.TeamRole.SUB_LEADER)
            if role in LEADS_THE_COHORT and leads_a_team:
                raise StudyError(
                    _("The representative and the deputy are chosen from outside the team "
                      "leaders and sub-leaders."), "cohort_role")  # fmt: skip
            current.cohort_role = role
            current.save(update_fields=["cohort_role"])
    except IntegrityError:
        raise StudyError(_("The cohort already has someone in that role."), "cohort_role") from None
    return current


def propose_teams(cohort: Cohort) -> dict[int, list[Member]]:
    """A balanced proposal (the coordinator confirms or edits it): each team is filled from
    members who prefer its field, then the rest, spreading municipalities across teams."""
    teams = list(cohort.teams.select_related("field").order_by("number"))
    members = list(
        Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
        .select_related("organisation")
        .prefetch_related("preferred_fields")
        .order_by("applied_at", "pk")
    )
    plan: dict[int, list[Member]] = {team.pk: [] for team in teams}
    by_team = {team.pk: team for team in teams}

    def score(team, member):
        prefers = any(f.pk == team.field_id for f in member.preferred_fields.all())
        same_town = sum(m.organisation_id == member.organisation_id for m in plan[team.pk])
        return (0 if prefers else 1, same_town, len(plan[team.pk]), team.number)

    # Members with fewer preferences first: they are hardest to place well.
    for member in sorted(members, key=lambda m: len(m.preferred_fields.all()) or 99):
        open_teams = [t for t in teams if len(plan[t.pk]) < t.max_size]
        if not open_teams:
            break
        best = min(open_teams, key=lambda t: score(t, member))
        plan[best.pk].append(member)
    return {team_pk: plan[team_pk] for team_pk in by_team}


@transaction.atomic
def confirm_teams(*, cohort: Cohort, plan: dict[int, list[int]], user) -> None:
    """Apply a proposal: member ids per team, all as plain members (roles come after)."""
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators form teams."))
    Member.objects.filter(cohort=cohort).update(team=None, team_role="")
    for team_pk, member_ids in plan.items():
        team = Team.objects.select_for_update().get(pk=team_pk, cohort=cohort)
        if len(member_ids) > team.max_size:
            raise StudyError(_("%(team)s is full (%(size)d members).")
                             % {"team": team, "size": team.max_size})  # fmt: skip
        Member.objects.filter(cohort=cohort, pk__in=member_ids, status="accepted").update(
            team=team, team_role=Member.TeamRole.MEMBER
        )


# --- Sessions ---------------------------------------------------------------------------


def session_members(session: Session):
    members = Member.objects.filter(cohort=session.cohort, status=Member.Status.ACCEPTED)
    if session.team_id:
        members = members.filter(team_id=session.team_id)
    return members.select_related("user", "organisation")


def generate_series(*, team: Team | None, cohort: Cohort, user, first_start: dt.datetime,
                    duration: dt.timedelta, weeks: int, title: str, kind: str, place="",
                    online_url="") -> list[Session]:  # fmt: skip
    """A weekly series (e.g. every Wednesday two hours); single dates are edited afterwards.

    `first_start` aware, `duration` positive, `weeks` 1..52. The first start and the last
    end must lie in the date window (cocreation.core.inputs), judged by arithmetic before
    any session is built. Raises StudyError naming the field.
    """
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators plan sessions."))
    if not 1 <= weeks <= 52:
        raise StudyError(_("Choose between 1 and 52 weeks."), "weeks")
    try:
        inputs.validate_date(first_start)
        inputs.validate_date(first_start + dt.timedelta(weeks=weeks - 1) + duration)
    except (ValidationError, OverflowError):
        raise StudyError(
            _("Every session of the series must fall between %(first)s and %(last)s.")
            % inputs.window_params(),
            "weeks",
        ) from None
    key = uuid.uuid4().hex
    sessions = [
        Session(
            cohort=cohort,
            team=team,
            kind=kind,
            title=title,
            place=place,
            online_url=online_url,
            starts_at=first_start + dt.timedelta(weeks=n),
            ends_at=first_start + dt.timedelta(weeks=n) + duration,
            series_key=key,
        )  # fmt: skip
        for n in range(weeks)
    ]
    return Session.objects.bulk_create(sessions)


class _When:
    def __init__(self, session: Session):
        self.session = session

    def __str__(self) -> str:
        start = timezone.localtime(self.session.starts_at)
        end = timezone.localtime(self.session.ends_at)
        return f"{jdate(start.date())} {start:%H:%M}〜{end:%H:%M}"


def _where(session: Session) -> str:
    return session.place or session.online_url or "—"


def session_move(*, session: Session, user, starts_at, ends_at, place=None) -> Session:
    """Move one session; its members are told once per move. Both times must lie in the
    date window. Raises StudyError naming the field."""
    if not permissions.is_coordinator(user, session.cohort):
        raise StudyError(_("Only the cohort's coordinators plan sessions."))
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        try:
            inputs.validate_date(value)
        except ValidationError as error:
            raise StudyError(error.messages[0], name) from None
    if ends_at <= starts_at:
        raise StudyError(_("A session ends after it starts."), "ends_at")
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        old = _When(Session(starts_at=locked.starts_at, ends_at=locked.ends_at))
        old_text = str(old)
        locked.starts_at, locked.ends_at = starts_at, ends_at
        if place is not None:
            locked.place = place
        locked.revision += 1
        locked.save(update_fields=["starts_at", "ends_at", "place", "revision"])
        for member in session_members(locked):
            notify(
                member.user,
                "study.session_moved",
                locked,
                context={
                    "session": locked.title,
                    "old": old_text,
                    "when": _When(locked),
                    "place": _where(locked),
                },  # fmt: skip
                url=locked.get_absolute_url(),
                key=f"study.session_moved|{locked.pk}|{locked.revision}|{member.user_id}",
            )
    return locked


def send_session_reminders(*, today: dt.date) -> int:
    """The day before each session, once per member and date (a moved session is reminded
    again for its new date)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    sessions = list(
        Session.objects.filter(
            starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        ).select_related("cohort", "team")
    )
    planned = []
    for session in sessions:
        # The start it reminds of, to the minute: a session moved is reminded again.
        day = f"{timezone.localtime(session.starts_at):%Y-%m-%dT%H:%M}"
        for member in session_members(session):
            planned.append((f"study.session_reminder|{session.pk}|{day}|{member.user_id}",
                            session, member))  # fmt: skip
    already = set(
        Notification.objects.filter(key__in=[p[0] for p in planned]).values_list("key", flat=True)
    )
    sent = 0
    for key, session, member in planned:
        if key in already:
            continue
        notify(
            member.user, "study.session_reminder", session,
            context={"session": session.title, "when": _When(session), "place": _where(session),
                     "cohort": session.cohort.title},
            url=session.get_absolute_url(), key=key,
        )  # fmt: skip
        sent += 1
    return sent


# --- Attendance -------------------------------------------------------------------------


def record_attendance(*, session: Session, user, statuses: dict[int, str]) -> int:
    if not permissions.can_record_attendance(user, session):
        raise StudyError(
            _("Only the team leader, the sub-leader or a coordinator records attendance.")
        )
    allowed = {m.pk for m in session_members(session)}
    count = 0
    with transaction.atomic():
        for member_id, status in statuses.items():
            if member_id not in allowed or status not in Attendance.Status.values:
                continue
            Attendance.objects.update_or_create(
                session=session, member_id=member_id,
                defaults={"status": status, "recorded_by": user},
            )  # fmt: skip
            count += 1
    return count


def attendance_rates(cohort: Cohort) -> list[tuple[Member, int, int, float | None]]:
    """(member, present, recorded, rate) for each accepted member; excused does not count
    against the rate."""
    members = (
        Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
        .select_related("user", "organisation", "team__field")
        .annotate(
            present=Count("attendance", filter=Q(attendance__status="present")),
            counted=Count("attendance", filter=Q(attendance__status__in=["present", "absent"])),
        )
        .order_by("team__number", team_role_rank(), "pk")
    )
    return [(m, m.present, m.counted, (m.present / m.counted) if m.counted else None)
            for m in members]  # fmt: skip


# --- Deliverables -----------------------------------------------------------------------


def submit_version(*, deliverable: Deliverable, team: Team, user, upload, title="", summary="",
                   now=None) -> Submission:  # fmt: skip
    if not permissions.can_upload(user, team):
        raise StudyError(_("Only the team's members upload its deliverables."))
    now = now or timezone.now()
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=team.pk)
        latest = (
            Submission.objects.filter(deliverable=deliverable, team=team)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return Submission.objects.create(
            deliverable=deliverable, team=team, version=(latest or 0) + 1, file=upload,
            original_name=safe_name(upload.name, extension="pdf"), size=upload.size,
            uploaded_by=user, is_late=now > deliverable.due_at, title=title, summary=summary,
        )  # fmt: skip


def comment(*, submission: Submission, user, body: str) -> ReviewComment:
    if not permissions.can_comment(user, submission):
        raise StudyError(_("Only reviewers comment on deliverables."))
    if not body.strip():
        raise StudyError(_("Write your comment."), "body")
    with transaction.atomic():
        note = ReviewComment.objects.create(submission=submission, author=user, body=body.strip())
        team = Member.objects.filter(
            team=submission.team, status=Member.Status.ACCEPTED
        ).select_related("user")
        for member in team.exclude(user=user):
            notify(
                member.user, "study.review_comment", note,
                context={"deliverable": submission.deliverable.title,
                         "version": submission.version, "author": user.display_name,
                         "body": note.body},
                url=reverse("studygroups:submission", args=[submission.pk]),
            )  # fmt: skip
    return note


# --- Outcomes and quests ----------------------------------------------------------------


def turn_into_quest(*, outcome: Outcome, user, host):
    """Start a draft quest from a team's final proposal, as the 2020 しごと team's proposal
    became the 自治体クエスト."""
    from quests.services.quests import QuestError, quest_create

    with transaction.atomic():
        # Locked, so that two clicks at once start one quest, not two.
        locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if locked.quest_id:
            raise StudyError(_("A quest was already started from this proposal."))
        try:
            quest = quest_create(
                user=user,
                host=host,
                data={
                    "title": locked.proposal_title[:200],
                    "summary": locked.summary[:1000],
                    "background": locked.summary,
                    "outcome_sought": locked.implemented or locked.proposal_title,
                },
            )
        except QuestError as error:
            raise StudyError(error.message, error.field) from None
        locked.quest = quest
        locked.save(update_fields=["quest"])
    return quest


def save_outcome(*, team: Team, user, proposal_title: str, summary: str, implemented: str):
    """A team's outcome for the archive; one per team, whoever saves it first."""
    if not permissions.is_coordinator(user, team.cohort):
        raise StudyError(_("Only the cohort's coordinators record outcomes."))
    outcome, _created = Outcome.objects.update_or_create(
        team=team,
        defaults={"proposal_title": proposal_title, "summary": summary,
                  "implemented": implemented},
    )  # fmt: skip
    return outcome


# --- Feedback ---------------------------------------------------------------------------


def answer_survey(*, session: Session, user, rating: int, comment_text: str) -> SurveyResponse:
    member = Member.objects.filter(cohort=session.cohort, user=user, status="accepted").first()
    if member is None or not session_members(session).filter(pk=member.pk).exists():
        raise StudyError(_("Only the session's participants answer its survey."))
    if session.ends_at > timezone.now():
        raise StudyError(_("The survey opens when the session is over."))
    if not 1 <= rating <= 5:
        raise StudyError(_("Rate from 1 to 5."), "rating")
    response, _created = SurveyResponse.objects.update_or_create(
        session=session, member=member, defaults={"rating": rating, "comment": comment_text}
    )
    return response


STOP_WORDS = {
    "こと", "もの", "ため", "よう", "これ", "それ", "あれ", "ここ", "そこ", "さん", "ところ",
    "とき", "時", "今回", "自分", "方", "感じ", "的", "化", "等", "中", "上", "ない", "いい",
    "良い", "よい", "多い", "思う", "の", "ん", "そう", "さ", "みたい", "たち", "一", "二",
}  # fmt: skip


def word_frequencies(texts, limit: int = 40) -> list[tuple[str, int]]:
    """Nouns and adjectives of the free-text answers, counted, stop words removed.

    `texts`: strings. Returns up to `limit` (word, count) pairs, most frequent first.
    The texts are NFKC-normalised first (half-width ｶﾅ and full-width ＤＸ become
    カナ and DX), and Latin words are counted without regard to case, shown in the
    spelling typed most often: ＤＸ, DX and ｄｘ are one word counted three times.
    """
    import unicodedata

    from janome.tokenizer import Tokenizer

    tokenizer = Tokenizer()
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for token in tokenizer.tokenize(unicodedata.normalize("NFKC", text or "")):
            kind, sub = (token.part_of_speech.split(",") + [""])[:2]
            if kind not in ("名詞", "形容詞") or sub in ("数", "代名詞", "非自立", "接尾"):
                continue
            word = token.base_form if kind == "形容詞" else token.surface
            if len(word) < 2 or word in STOP_WORDS:
                continue
            key = word.casefold()
            counts[key] += 1
            spellings.setdefault(key, Counter())[word] += 1
    return [(spellings[key].most_common(1)[0][0], n) for key, n in counts.most_common(limit)]


def book_room(*, session: Session, user, space):
    """Book the whole room for a session under the space's own rules, and link them."""
    from spaces import services as space_services

    if not permissions.is_coordinator(user, session.cohort):
        raise StudyError(_("Only the cohort's coordinators plan sessions."))
    if session.booking_id and session.booking.is_live:
        raise StudyError(_("This session already has a room booking."))
    try:
        booking = space_services.booking_create(
            space=space, user=user, kind="whole_room", starts_at=session.starts_at,
            ends_at=session.ends_at, purpose=f"{session.cohort.title}: {session.title}"[:200],
        )  # fmt: skip
    except space_services.BookingError as error:
        raise StudyError(" ".join(r.message for r in error.refusals), "space") from None
    session.booking = booking
    if not session.place:
        session.place = space.name
    session.save(update_fields=["booking", "place"])
    return booking


@transaction.atomic
def set_presentation_order(*, session: Session, user, rows: list[tuple[int, int, str]]) -> None:
    """rows: (team id, order, title); teams left without an order do not present."""
    from .models import PresentationSlot

    if not permissions.is_coordinator(user, session.cohort):
        raise StudyError(_("Only the cohort's coordinators plan sessions."))
    orders = [order for _team, order, _title in rows]
    if len(orders) != len(set(orders)):
        raise StudyError(_("Two teams cannot present in the same place in the order."))
    Session.objects.select_for_update().get(pk=session.pk)
    PresentationSlot.objects.filter(session=session).delete()
    PresentationSlot.objects.bulk_create(
        PresentationSlot(session=session, team_id=team_id, order=order, title=title)
        for team_id, order, title in rows
    )


# --- Starting and setting up a cohort -----------------------------------------------


def previous_cohort(programme: Programme, fiscal_year: int) -> Cohort | None:
    return programme.cohorts.filter(fiscal_year__lt=fiscal_year).order_by("-fiscal_year").first()


def start_cohort(*, user, programme: Programme | None, new_programme_name: str = "",
                 organiser=None, fiscal_year: int, details: dict, organisations,
                 coordinators=(), reviewers=(), copy_previous: bool = False) -> Cohort:  # fmt: skip
    """Start a cohort of a programme (a new programme when none is given); the person who
    starts it coordinates it. With copy_previous, the fields, phases, teams and deliverables
    of the programme's latest earlier cohort come along, moved by the years between them."""
    allowed = roles.coordinated_organisations(user)
    if not permissions.can_start_cohort(user):
        raise StudyError(_("Only coordinators start a cohort."))
    with transaction.atomic():
        if programme is None:
            if not allowed.filter(pk=organiser.pk).exists():
                raise StudyError(_("You do not coordinate this organisation."), "organiser")
            try:
                with transaction.atomic():
                    programme = Programme.objects.create(
                        name=new_programme_name, organiser=organiser
                    )
            except IntegrityError:
                raise StudyError(
                    _("A programme with this name already exists: choose it from the list."),
                    "new_programme_name",
                ) from None
        elif not allowed.filter(pk=programme.organiser_id).exists():
            raise StudyError(_("You do not coordinate this programme's organiser."), "programme")
        source = previous_cohort(programme, fiscal_year) if copy_previous else None
        try:
            with transaction.atomic():
                cohort = Cohort.objects.create(
                    programme=programme, fiscal_year=fiscal_year, **details
                )
        except IntegrityError:
            raise StudyError(
                _("%(programme)s already has a cohort for fiscal %(year)d.")
                % {"programme": programme.name, "year": fiscal_year},
                "fiscal_year",
            ) from None
        cohort.organisations.set(organisations)
        cohort.coordinators.set([user, *coordinators])
        cohort.reviewers.set(reviewers)
        if source is not None:
            try:
                _copy_structure(source, cohort)
            except ValidationError:
                raise StudyError(
                    _(
                        "The previous cohort's dates moved to fiscal %(year)d would fall after "
                        "%(last)s. Start the cohort without copying, or choose an earlier year."
                    )
                    % {"year": fiscal_year, "last": inputs.window_params()["last"]},
                    "copy_previous",
                ) from None
    return cohort


def _copy_structure(source: Cohort, cohort: Cohort) -> None:
    """Copy fields, phases, teams and deliverables, dates moved by the years between the
    cohorts with inputs.shift_years (ValidationError when a date would leave the window)."""
    years = cohort.fiscal_year - source.fiscal_year
    years_later = inputs.shift_years
    fields = {}
    for field in source.fields.all():
        fields[field.pk] = Field.objects.create(
            cohort=cohort, name=field.name, description=field.description, position=field.position
        )
    phases = {}
    for phase in source.phases.all():
        phases[phase.pk] = Phase.objects.create(
            cohort=cohort,
            name=phase.name,
            starts_on=years_later(phase.starts_on, years),
            ends_on=years_later(phase.ends_on, years),
        )
    for team in source.teams.all():
        Team.objects.create(
            cohort=cohort, number=team.number, name=team.name,
            field=fields[team.field_id], max_size=team.max_size,
        )  # fmt: skip
    for deliverable in source.deliverables.all():
        due = timezone.localtime(deliverable.due_at)
        Deliverable.objects.create(
            cohort=cohort, kind=deliverable.kind, title=deliverable.title,
            phase=phases.get(deliverable.phase_id),
            due_at=dt.datetime.combine(years_later(due.date(), years), due.timetz()),
        )  # fmt: skip


def save_cohort_settings(*, cohort: Cohort, user, form, fields, phases, teams,
                         programme_form=None) -> None:  # fmt: skip
    """Save the cohort's settings form and its field, phase and team formsets in one
    transaction, under the cohort's lock and the locks that assign_team takes, so that no
    team ends up smaller than its members and no team with members or reports is removed."""
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators change its settings."))
    try:
        with transaction.atomic():
            Cohort.objects.select_for_update().get(pk=cohort.pk)
            locked = {t.pk: t for t in Team.objects.select_for_update().filter(cohort=cohort)}
            for team_form in teams.deleted_forms:
                team = team_form.instance
                if team.pk in locked and (
                    Member.objects.filter(team=team).exists()
                    or Submission.objects.filter(team=team).exists()
                ):
                    raise StudyError(
                        _("%(team)s has members or reports and cannot be removed.") % {"team": team}
                    )
            if programme_form is not None:
                if not permissions.can_edit_programme(user, cohort.programme):
                    raise StudyError(_("Only the organiser's coordinators rename the programme."))
                programme_form.save()
            form.save()
            fields.save()
            phases.save()
            teams.save()
            sizes = dict(
                Member.objects.filter(team__cohort=cohort)
                .values_list("team")
                .annotate(n=Count("pk"))
                .values_list("team", "n")
            )
            for team in Team.objects.filter(cohort=cohort):
                if sizes.get(team.pk, 0) > team.max_size:
                    raise StudyError(
                        _("%(team)s already has %(count)d members: its size cannot be smaller.")
                        % {"team": team, "count": sizes[team.pk]}
                    )
            # Field names and team numbers are unique per cohort through deferred
            # constraints, so that two rows may swap them in one save. Check them now,
            # inside this savepoint, rather than at the request's commit, where a duplicate
            # could only be a server error.
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SET CONSTRAINTS {', '.join(_DEFERRED_SETTINGS)} IMMEDIATE")
            except IntegrityError as error:
                raise _duplicate_in_settings(error, fields=fields, teams=teams) from None
    except (IntegrityError, ProtectedError):
        raise StudyError(
            _("Someone changed these settings at the same moment. Check them and save again.")
        ) from None


# The deferred unique constraints of the settings page: name -> (formset key, form field).
_DEFERRED_SETTINGS = {
    "studygroups_field_once": ("fields", "name"),
    "studygroups_team_number": ("teams", "number"),
}


def _duplicate_in_settings(error: IntegrityError, *, fields, teams) -> StudyError:
    """The StudyError for a field name or team number used twice; the message is also put
    next to the field on each row that changed it, so the page shows where."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    formset_key, name = _DEFERRED_SETTINGS.get(constraint, ("teams", "number"))
    if formset_key == "fields":
        message = _("A field with this name already exists.")
    else:
        message = _("A team with this number already exists.")
    formset = fields if formset_key == "fields" else teams
    for row in formset.forms:
        if name in row.changed_data and name not in row.errors:
            row.add_error(name, message)
    return StudyError(message, name)
