"""Study-group pages. Each view says who may use it and asks studygroups.permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation import permissions as roles
from cocreation.accounts.calendar import calendar_token, user_for_token
from cocreation.core import inputs
from cocreation.core.uploads import attachment_response

from . import ical, permissions, selectors, services
from .forms import (
    ApplicationDecisionForm,
    ApplicationForm,
    ArchiveSearchForm,
    CommentForm,
    DeliverableForm,
    MemberTeamForm,
    MoveForm,
    OutcomeForm,
    PresentationOrderForm,
    ScheduleFilterForm,
    SeriesForm,
    SessionForm,
    SurveyForm,
    UploadForm,
)
from .models import Attendance, Cohort, Member, Outcome, Session, Submission, team_role_rank


def _cohort(request, pk: int) -> Cohort:
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__organiser").prefetch_related(
            "fields", "phases", "organisations", "coordinators"
        ),
        pk=pk,
    )
    if not permissions.can_view_cohort(request.user, cohort):
        raise PermissionDenied
    return cohort


def _context(request, cohort: Cohort, section: str) -> dict:
    member = permissions.membership(request.user, cohort)
    is_coordinator = permissions.is_coordinator(request.user, cohort)
    return {
        "cohort": cohort,
        "section": section,
        "me": member,
        "is_coordinator": is_coordinator,
        "is_reviewer": is_coordinator or permissions.is_listed_reviewer(request.user, cohort),
        # The Apply button: staff of a participating municipality while applications are
        # open; not the cohort's own coordinators.
        "can_apply": not is_coordinator
        and cohort.is_recruiting(timezone.localdate())
        and permissions.can_apply(request.user, cohort),
    }


def _error_to_form(form, error: services.StudyError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _posted_member(request, cohort: Cohort) -> Member | None:
    """The cohort's member named by the POST's `member` id; a malformed or unknown id
    is said so with a message and gives None (never a 500)."""
    pk = inputs.query_int(request.POST.get("member"), maximum=inputs.BIGINT_MAX)
    member = Member.objects.filter(pk=pk, cohort=cohort).first() if pk else None
    if member is None:
        messages.error(request, _("That member was not found. Reload the page and try again."))
    return member


@login_required
def cohort_list(request):
    """Signed-in users: the cohorts they may open (municipal staff: all, and may apply);
    everyone can read published outcomes in the archive."""
    cohorts = list(
        permissions.visible_cohorts(request.user)
        .select_related("programme")
        .order_by("-fiscal_year", "pk")
    )
    today = timezone.localdate()
    for cohort in cohorts:
        cohort.recruiting = cohort.is_recruiting(today)
    return render(
        request,
        "studygroups/cohort_list.html",
        {"cohorts": cohorts, "can_start": permissions.can_start_cohort(request.user)},
    )


@login_required
def cohort_detail(request, pk: int):
    """Municipal staff, members, reviewers and coordinators: the cohort and its teams."""
    cohort = _cohort(request, pk)
    context = _context(request, cohort, "overview")
    teams = cohort.teams.select_related("field").prefetch_related(
        Prefetch(
            "members",
            queryset=Member.objects.select_related("user", "organisation").order_by(
                team_role_rank(), "pk"
            ),
        )
    )
    context.update(
        teams=teams,
        representatives=Member.objects.filter(
            cohort=cohort, cohort_role__in=services.LEADS_THE_COHORT
        ).select_related("user", "organisation"),
        support_count=Member.objects.filter(
            cohort=cohort, status="accepted", cohort_role=Member.CohortRole.SUPPORT
        ).count(),
        outcomes=Outcome.objects.filter(team__cohort=cohort).select_related("team__field", "quest")
        if cohort.is_published or permissions.is_coordinator(request.user, cohort)
        else [],
        counts=Member.objects.filter(cohort=cohort, status="accepted")
        .values("organisation__name")
        .order_by("organisation__name_kana")
        .annotate(n=Count("pk")),
    )
    return render(request, "studygroups/cohort_detail.html", context)


@login_required
def apply(request, pk: int):
    """Municipal staff of a participating organisation, while recruitment is open."""
    cohort = _cohort(request, pk)
    if not permissions.can_apply(request.user, cohort):
        raise PermissionDenied
    form = ApplicationForm(
        request.POST or None,
        cohort=cohort,
        municipalities=roles.municipalities_of(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.apply(
                cohort=cohort,
                user=request.user,
                organisation=data["organisation"],
                birth_date=data["birth_date"],
                preferred_fields=data["preferred_fields"],
                motivation=data["motivation"],
                department=data["department"],
                position=data["position"],
            )
        except services.StudyError as error:
            _error_to_form(form, error)
        else:
            messages.success(request, _("Your application was sent to the coordinators."))
            return redirect(cohort)
    context = _context(request, cohort, "apply")
    context["form"] = form
    return render(request, "studygroups/apply.html", context)


@login_required
def applications(request, pk: int):
    """The cohort's coordinators: accept or decline applications."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    if request.method == "POST":
        form = ApplicationDecisionForm(request.POST)
        if not form.is_valid() and "decision" in form.errors:
            # No button's value (a stale or altered form): nothing is decided by default.
            messages.error(
                request, _("Choose to accept or decline the application; nothing was changed.")
            )
            return redirect("studygroups:applications", cohort.pk)
        member = _posted_member(request, cohort)
        if member is None:
            return redirect("studygroups:applications", cohort.pk)
        try:
            services.decide_application(
                member=member, user=request.user, accept=form.cleaned_data["decision"] == "accept"
            )
        except services.StudyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision was recorded."))
        return redirect("studygroups:applications", cohort.pk)
    context = _context(request, cohort, "members")
    context["applicants"] = (
        Member.objects.filter(cohort=cohort)
        .select_related("user", "organisation")
        .prefetch_related("preferred_fields")
        .order_by("status", "applied_at")
    )
    return render(request, "studygroups/applications.html", context)


@login_required
def teams(request, pk: int):
    """The cohort's coordinators: put members in teams with roles; propose teams."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "confirm_plan":
        plan = {
            team.pk: [
                inputs.query_int(v, maximum=inputs.BIGINT_MAX)
                for v in request.POST.getlist(f"team-{team.pk}")
            ]
            for team in cohort.teams.all()
        }
        if any(None in ids for ids in plan.values()):
            messages.error(
                request,
                _("The proposed teams were not understood; nothing was changed. "
                  "Propose the teams again."),
            )  # fmt: skip
            return redirect("studygroups:teams", cohort.pk)
        try:
            services.confirm_teams(cohort=cohort, plan=plan, user=request.user)
        except services.StudyError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The teams were formed. Now choose leaders and sub-leaders.")
            )
        return redirect("studygroups:teams", cohort.pk)
    if request.method == "POST":
        member = _posted_member(request, cohort)
        if member is None:
            return redirect("studygroups:teams", cohort.pk)
        form = MemberTeamForm(request.POST, prefix=f"m{member.pk}", cohort=cohort)
        if form.is_valid():
            try:
                data = form.cleaned_data
                services.place_member(
                    member=member,
                    team=data["team"],
                    team_role=data["team_role"] or Member.TeamRole.MEMBER,
                    cohort_role=data["cohort_role"],
                    user=request.user,
                )
            except services.StudyError as error:
                messages.error(request, f"{member.user.display_name}: {error.message}")
            else:
                messages.success(request, _("Saved."))
        else:
            for errors in form.errors.values():
                messages.error(request, f"{member.user.display_name}: {' '.join(errors)}")
        return redirect("studygroups:teams", cohort.pk)
    members = (
        Member.objects.filter(cohort=cohort, status="accepted")
        .select_related("user", "organisation", "team__field")
        .prefetch_related("preferred_fields")
        .order_by("team__number", team_role_rank(), "pk")
    )
    context = _context(request, cohort, "members")
    context["rows"] = [
        (
            m,
            MemberTeamForm(
                prefix=f"m{m.pk}",
                cohort=cohort,
                initial={"team": m.team_id, "team_role": m.team_role, "cohort_role": m.cohort_role},
            ),
        )
        for m in members
    ]
    if request.GET.get("propose"):
        plan = services.propose_teams(cohort)
        context["plan"] = [(team, plan[team.pk]) for team in cohort.teams.select_related("field")]
    return render(request, "studygroups/teams.html", context)


@login_required
def schedule(request, pk: int):
    """Members, reviewers and coordinators: every session of the cohort and its teams."""
    cohort = _cohort(request, pk)
    context = _context(request, cohort, "schedule")
    now = timezone.now()
    me = context["me"]
    # By default a member sees their team's sessions (and the whole cohort's) from today on;
    # a finished cohort shows everything.
    defaults = {
        "team": str(me.team_id) if me is not None and me.team_id else "",
        "period": "upcoming" if cohort.sessions.filter(ends_at__gte=now).exists() else "all",
    }
    filters = ScheduleFilterForm(request.GET or defaults, cohort=cohort)
    if filters.is_valid():
        chosen = filters.cleaned_data
    else:
        chosen = defaults
        filters = ScheduleFilterForm(defaults, cohort=cohort)
        filters.is_valid()
        messages.warning(
            request, _("The filter in the address was not understood; the default is shown.")
        )
    months = selectors.schedule_by_month(
        cohort, team=chosen["team"], period=chosen["period"], now=now
    )
    context.update(filters=filters, months=months)
    context.update(
        feed=request.build_absolute_uri(
            reverse("studygroups:ical_cohort", args=[calendar_token(request.user), cohort.pk])
        ),
        my_feed=request.build_absolute_uri(
            reverse("studygroups:ical_mine", args=[calendar_token(request.user)])
        ),
    )
    if context["is_coordinator"]:
        context["session_form"] = SessionForm(cohort=cohort, prefix="s")
        context["series_form"] = SeriesForm(cohort=cohort, prefix="r")
    return render(request, "studygroups/schedule.html", context)


@login_required
@require_POST
def session_create(request, pk: int):
    """The cohort's coordinators: one session, or a weekly series."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    if request.POST.get("series"):
        form = SeriesForm(request.POST, cohort=cohort, prefix="r")
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.generate_series(
                    team=data["team"],
                    cohort=cohort,
                    user=request.user,
                    first_start=data["first_start"],
                    duration=dt.timedelta(hours=float(Decimal(data["hours"]))),
                    weeks=data["weeks"],
                    title=data["title"],
                    kind=Session.Kind.TEAM_MEETING,
                    online_url=data["online_url"],
                )
            except services.StudyError as error:
                _error_to_form(form, error)
            else:
                messages.success(
                    request, _("%(count)d sessions were added.") % {"count": len(created)}
                )
                return redirect("studygroups:schedule", cohort.pk)
    else:
        form = SessionForm(request.POST, cohort=cohort, prefix="s")
        if form.is_valid():
            session = form.save(commit=False)
            session.cohort = cohort
            session.save()
            messages.success(request, _("The session was added."))
            return redirect(session)
    context = _context(request, cohort, "schedule")
    context.update(
        sessions=cohort.sessions.all(),
        session_form=SessionForm(cohort=cohort, prefix="s"),
        series_form=SeriesForm(cohort=cohort, prefix="r"),
    )
    context["series_form" if request.POST.get("series") else "session_form"] = form
    return render(request, "studygroups/schedule.html", context, status=400)


def _session(request, pk: int) -> Session:
    session = get_object_or_404(
        Session.objects.select_related(
            "cohort__programme__organiser", "team__field", "booking__space"
        ),
        pk=pk,
    )
    if not permissions.can_view_cohort(request.user, session.cohort):
        raise PermissionDenied
    return session


@login_required
def session_detail(request, pk: int):
    """Whoever may see the cohort. Leaders record their team's attendance; participants
    answer the survey after it; coordinators move it, order the presentations, book a
    room and read the survey results. A refused form is shown again with its errors."""
    session = _session(request, pk)
    if request.method != "POST":
        return _render_session(request, session)
    is_coordinator = permissions.is_coordinator(request.user, session.cohort)
    action = request.POST.get("action")
    handlers = {
        "attendance": _session_attendance,
        "move": _session_move,
        "presentations": _session_presentations,
        "book_room": _session_book_room,
        "survey": _session_survey,
    }
    if action not in handlers:
        messages.error(request, _("The form was not understood. Reload the page and try again."))
        return redirect(session)
    if action in ("move", "presentations", "book_room") and not is_coordinator:
        raise PermissionDenied
    return handlers[action](request, session)


def _session_attendance(request, session: Session):
    user = request.user
    if not permissions.can_record_attendance(user, session):
        raise PermissionDenied
    members = list(services.session_members(session))
    statuses = {m.pk: request.POST.get(f"a-{m.pk}", "") for m in members}
    if any(v not in Attendance.Status.values for v in statuses.values() if v):
        messages.error(request, _("Choose present, absent or excused for each member."))
        return _render_session(request, session, status=400)
    services.record_attendance(
        session=session, user=user, statuses={k: v for k, v in statuses.items() if v}
    )
    messages.success(request, _("Attendance was saved."))
    return redirect(session)


def _session_move(request, session: Session):
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.session_move(
                session=session,
                user=request.user,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                place=form.cleaned_data["place"] or None,
            )
        except services.StudyError as error:
            _error_to_form(form, error)
        else:
            messages.success(request, _("The session was moved and its members told."))
            return redirect(session)
    return _render_session(request, session, move_form=form, status=400)


def _session_presentations(request, session: Session):
    form = PresentationOrderForm(request.POST, teams=_report_teams(session))
    if form.is_valid():
        try:
            services.set_presentation_order(session=session, user=request.user, rows=form.rows())
        except services.StudyError as error:
            _error_to_form(form, error)
        else:
            messages.success(request, _("The order of presentations was saved."))
            return redirect(session)
    return _render_session(request, session, order_form=form, status=400)


def _session_book_room(request, session: Session):
    from spaces import permissions as space_permissions
    from spaces.models import Space

    user = request.user
    pk = inputs.query_int(request.POST.get("space"), maximum=inputs.BIGINT_MAX)
    space = Space.objects.filter(pk=pk).first() if pk else None
    if space is None or not space_permissions.can_book(user, space):
        messages.error(request, _("Choose a space you may book."))
    else:
        try:
            services.book_room(session=session, user=user, space=space)
        except services.StudyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The room was booked for this session."))
    return redirect(session)


def _session_survey(request, session: Session):
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            services.answer_survey(
                session=session,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment_text=form.cleaned_data["comment"],
            )
        except services.StudyError as error:
            # Refused (not a participant, not over yet): the form again with the comment.
            _error_to_form(form, error)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect(session)
    return _render_session(request, session, survey_form=form, status=400)


def _report_teams(session: Session):
    return session.cohort.teams.select_related("field")


def _render_session(request, session: Session, *, status: int = 200, move_form=None,
                    order_form=None, survey_form=None):  # fmt: skip
    """The session page, with the bound form of a refused POST when there is one."""
    cohort = session.cohort
    context = _context(request, cohort, "schedule")
    user = request.user
    members = list(services.session_members(session))
    recorded = {a.member_id: a.status for a in session.attendance.all()}
    me = context["me"]
    is_participant = me is not None and any(m.pk == me.pk for m in members)
    is_coordinator = context["is_coordinator"]
    if is_coordinator and move_form is None:
        move_form = MoveForm(
            initial={
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "place": session.place,
            }
        )
    if survey_form is None and is_participant and session.ends_at <= timezone.now():
        survey_form = SurveyForm()
    is_report = session.kind in (Session.Kind.MIDTERM_REPORT, Session.Kind.FINAL_REPORT)
    if is_coordinator and order_form is None and is_report:
        slots = {p.team_id: p for p in session.presentations.all()}
        initial = {}
        for team_id, slot in slots.items():
            initial[f"order-{team_id}"] = slot.order
            initial[f"title-{team_id}"] = slot.title
        order_form = PresentationOrderForm(teams=_report_teams(session), initial=initial)
    context.update(
        session=session,
        rows=[(m, recorded.get(m.pk, "")) for m in members],
        may_record=permissions.can_record_attendance(user, session),
        statuses=Attendance.Status.choices,
        move_form=move_form if is_coordinator else None,
        survey_form=survey_form,
        presentations=session.presentations.select_related("team__field"),
        bookable_spaces=_bookable_spaces(user) if is_coordinator else [],
        order_form=order_form if is_coordinator else None,
    )
    if is_coordinator:
        responses = list(session.responses.all())
        context["responses"] = responses
        context["average"] = (
            (sum(r.rating for r in responses) / len(responses)) if responses else None
        )
        context["words"] = services.word_frequencies(r.comment for r in responses)
    return render(request, "studygroups/session_detail.html", context, status=status)


def _bookable_spaces(user):
    from spaces import permissions as space_permissions

    return [
        s for s in space_permissions.visible_spaces(user) if space_permissions.can_book(user, s)
    ]


@login_required
def attendance(request, pk: int):
    """The cohort's coordinators: attendance rate of every member, as a chart and a table."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    context = _context(request, cohort, "attendance")
    context["rates"] = services.attendance_rates(cohort)
    return render(request, "studygroups/attendance.html", context)


@login_required
def deliverables(request, pk: int):
    """Members (their team's versions), reviewers and coordinators (every team's);
    coordinators add deliverables here."""
    cohort = _cohort(request, pk)
    is_coordinator = permissions.is_coordinator(request.user, cohort)
    form = DeliverableForm(request.POST or None, cohort=cohort) if is_coordinator else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            deliverable = form.save(commit=False)
            deliverable.cohort = cohort
            deliverable.save()
            messages.success(request, _("The deliverable was added."))
            return redirect("studygroups:deliverables", cohort.pk)
        return _render_deliverables(request, cohort, deliverable_form=form, status=400)
    return _render_deliverables(request, cohort, deliverable_form=form)


def _render_deliverables(request, cohort: Cohort, *, deliverable_form=None, upload_form=None,
                         upload_target=None, status: int = 200):  # fmt: skip
    """The reports page; a refused upload's bound form is shown on its own team's row
    (`upload_target` = (deliverable id, team id)) with its errors and input."""
    context = _context(request, cohort, "deliverables")
    me = context["me"]
    all_teams = context["is_coordinator"] or context["is_reviewer"]
    teams = list(cohort.teams.select_related("field"))
    if not all_teams:
        teams = [t for t in teams if me is not None and t.pk == me.team_id]
    submissions = (
        Submission.objects.filter(deliverable__cohort=cohort, team__in=teams)
        .select_related("uploaded_by")
        .prefetch_related("comments")
    )
    by_key: dict = {}
    for s in submissions:
        by_key.setdefault((s.deliverable_id, s.team_id), []).append(s)
    items = [
        (deliverable, [(team, by_key.get((deliverable.pk, team.pk), [])) for team in teams])
        for deliverable in cohort.deliverables.select_related("phase")
    ]
    if deliverable_form is None and context["is_coordinator"]:
        deliverable_form = DeliverableForm(cohort=cohort)
    context.update(
        items=items,
        upload_form=upload_form or UploadForm(),
        upload_target=upload_target,
        deliverable_form=deliverable_form,
    )
    return render(request, "studygroups/deliverables.html", context, status=status)


@login_required
@require_POST
def upload(request, pk: int, deliverable_pk: int, team_pk: int):
    """The team's members and coordinators: upload a new version (PDF). A refused upload
    is shown again on the reports page with the reason and the title kept."""
    cohort = _cohort(request, pk)
    deliverable = get_object_or_404(cohort.deliverables, pk=deliverable_pk)
    team = get_object_or_404(cohort.teams, pk=team_pk)
    if not permissions.can_upload(request.user, team):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submission = services.submit_version(
                deliverable=deliverable,
                team=team,
                user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except services.StudyError as error:
            _error_to_form(form, error)
        else:
            if submission.is_late:
                messages.warning(
                    request,
                    _("Version %(v)d was uploaded after the deadline and is marked late.")
                    % {"v": submission.version},
                )
            else:
                messages.success(
                    request, _("Version %(v)d was uploaded.") % {"v": submission.version}
                )
            return redirect("studygroups:deliverables", cohort.pk)
    messages.error(request, _("The file was not uploaded: see the reasons on the form."))
    return _render_deliverables(
        request, cohort, upload_form=form, upload_target=(deliverable.pk, team.pk), status=400
    )


@login_required
def submission_detail(request, pk: int):
    """The team, reviewers and coordinators: one version with its comments (講評)."""
    submission = get_object_or_404(
        Submission.objects.select_related(
            "deliverable", "team__cohort__programme__organiser", "team__field"
        ),
        pk=pk,
    )
    if not permissions.can_view_submission(request.user, submission):
        raise Http404
    if request.GET.get("download"):
        return attachment_response(
            submission.file.open("rb"),
            filename=submission.original_name,
            content_type="application/pdf",
        )
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_comment(request.user, submission):
            raise PermissionDenied
        if form.is_valid():
            services.comment(
                submission=submission, user=request.user, body=form.cleaned_data["body"]
            )
            messages.success(request, _("Your comment was added."))
            return redirect("studygroups:submission", submission.pk)
    cohort = submission.team.cohort
    context = _context(request, cohort, "deliverables")
    context.update(
        submission=submission,
        form=form if permissions.can_comment(request.user, submission) else None,
        comments=submission.comments.select_related("author"),
    )
    return render(request, "studygroups/submission.html", context)


@login_required
def outcome_edit(request, pk: int, team_pk: int):
    """The cohort's coordinators: a team's outcome for the archive; start a quest from it."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    team = get_object_or_404(cohort.teams.select_related("field"), pk=team_pk)
    outcome = Outcome.objects.filter(team=team).first()
    form = OutcomeForm(request.POST or None, instance=outcome)
    if request.method == "POST" and request.POST.get("action") == "quest" and outcome:
        from quests.services.quests import hosts_user_may_choose

        hosts = hosts_user_may_choose(request.user)
        if not hosts:
            messages.error(request, _("Only municipal staff can start a quest."))
            return redirect("studygroups:outcome", cohort.pk, team.pk)
        try:
            quest = services.turn_into_quest(outcome=outcome, user=request.user, host=hosts[0])
        except services.StudyError as error:
            messages.error(request, error.message)
            return redirect("studygroups:outcome", cohort.pk, team.pk)
        messages.success(request, _("A draft quest was started from the proposal."))
        return redirect("quests:edit", quest.pk)
    if request.method == "POST" and form.is_valid():
        services.save_outcome(team=team, user=request.user, **form.cleaned_data)
        messages.success(request, _("The outcome was saved."))
        return redirect("studygroups:outcome", cohort.pk, team.pk)
    context = _context(request, cohort, "outcomes")
    context.update(form=form, team=team, outcome=outcome)
    return render(request, "studygroups/outcome_form.html", context)


def archive(request):
    """Anyone: outcomes of published cohorts, across years and municipalities, searchable
    by keyword and filtered by organiser and fiscal year."""
    published = Outcome.objects.filter(team__cohort__is_published=True)
    organisers = (
        published.values_list(
            "team__cohort__programme__organiser", "team__cohort__programme__organiser__name"
        )
        .distinct()
        .order_by("team__cohort__programme__organiser__name")
    )
    years = (
        published.values_list("team__cohort__fiscal_year", flat=True)
        .distinct()
        .order_by("-team__cohort__fiscal_year")
    )
    outcomes = published.select_related(
        "team__field", "team__cohort__programme__organiser", "quest"
    ).order_by("-team__cohort__fiscal_year", "team__cohort__programme__name", "team__number")
    organiser = request.GET.get("organiser", "")
    year = request.GET.get("year", "")
    organiser_id = inputs.query_int(organiser, maximum=inputs.BIGINT_MAX)
    fiscal_year = inputs.query_int(year, maximum=inputs.SMALLINT_MAX)
    if organiser_id is not None:
        outcomes = outcomes.filter(team__cohort__programme__organiser_id=organiser_id)
    if fiscal_year is not None:
        outcomes = outcomes.filter(team__cohort__fiscal_year=fiscal_year)
    if (organiser and organiser_id is None) or (year and fiscal_year is None):
        messages.warning(
            request, _("The filter in the address was not understood; all outcomes are shown.")
        )
        organiser = "" if organiser_id is None else organiser
        year = "" if fiscal_year is None else year
    # Searched in Python over the published outcomes: a bounded query keeps it cheap.
    search = ArchiveSearchForm(request.GET)
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
    else:
        # Refused, not cut: a cut keyword would search for something nobody typed.
        query = ""
        messages.warning(
            request,
            _("The keyword was not used (%(error)s); all outcomes are shown.")
            % {"error": " ".join(search.errors["q"])},
        )
    if query:
        outcomes = selectors.outcomes_matching(outcomes, query)
    page = Paginator(outcomes, 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "studygroups/archive.html",
        {
            "page": page,
            # The keyword as typed stays in the box, so a refused one can be corrected.
            "q": request.GET.get("q", ""),
            "organisers": list(organisers),
            "years": list(years),
            "organiser": organiser,
            "year": year,
            "query": params.urlencode(),
        },
    )


def ical_mine(request, token: str):
    """A calendar app holding the member's secret address: their sessions."""
    user = user_for_token(token)
    if user is None:
        raise Http404
    members = Member.objects.filter(user=user, status="accepted")
    sessions = (
        Session.objects.filter(
            Q(cohort__members__in=members, team__isnull=True) | Q(team__members__in=members)
        )
        .distinct()
        .select_related("cohort")
        .order_by("starts_at")
    )
    return ical.response(ical.calendar(_("My study sessions"), sessions, request), "sessions.ics")


def ical_cohort(request, token: str, pk: int):
    """A calendar app holding the secret address of someone who may see the cohort."""
    user = user_for_token(token)
    cohort = get_object_or_404(Cohort.objects.select_related("programme__organiser"), pk=pk)
    if user is None or not permissions.can_view_cohort(user, cohort):
        raise Http404
    sessions = cohort.sessions.select_related("cohort", "team").order_by("starts_at")
    return ical.response(ical.calendar(cohort.title, sessions, request), f"cohort-{cohort.pk}.ics")
