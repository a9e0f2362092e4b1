"""Sessions: the schedule, planning sessions, the session page and its five actions
(attendance, move, order of presentations, a room, the survey), the attendance rates and
the calendar feeds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cocreation.accounts.selectors import user_for_calendar_token
from cocreation.accounts.services import calendar_token_issue
from cocreation.core.errors import add_to_form, refused
from cocreation.core.ical import response as calendar_response

from .. import ical, permissions
from ..errors import StudyError
from ..forms.sessions import (
    AttendanceForm,
    MoveForm,
    PresentationOrderForm,
    RoomForm,
    ScheduleFilterForm,
    SeriesForm,
    SessionForm,
    SurveyForm,
)
from ..models import Attendance, Session
from ..selectors import sessions as selectors
from ..selectors.setup import cohort_or_404
from ..services import sessions as services
from .common import cohort_context, coordinated_cohort, visible_cohort

# --- The schedule -------------------------------------------------------------------------


@login_required
def schedule(request, pk: int):
    """Members, reviewers and coordinators: every session of the cohort and its teams."""
    return _render_schedule(request, visible_cohort(request, pk))


def _render_schedule(request, cohort, *, session_form=None, series_form=None, status: int = 200):
    """The schedule page, with the bound form of a refused POST when there is one."""
    context = cohort_context(request, cohort, "schedule")
    now = timezone.now()
    me = context["me"]
    # By default a member sees their team's sessions (and the whole cohort's) from today on;
    # a finished cohort shows everything.
    defaults = {
        "team": str(me.team_id) if me is not None and me.team_id else "",
        "period": "upcoming" if selectors.has_sessions_ahead(cohort, now) else "all",
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
    token = calendar_token_issue(user=request.user)
    context.update(
        filters=filters,
        months=selectors.schedule_by_month(
            cohort, team=chosen["team"], period=chosen["period"], now=now
        ),
        feed=request.build_absolute_uri(
            reverse("studygroups:ical_cohort", args=[token, cohort.pk])
        ),
        my_feed=request.build_absolute_uri(reverse("studygroups:ical_mine", args=[token])),
    )
    if context["is_coordinator"]:
        context["session_form"] = session_form or SessionForm(cohort=cohort, prefix="s")
        context["series_form"] = series_form or SeriesForm(cohort=cohort, prefix="r")
    return render(request, "studygroups/schedule.html", context, status=status)


@login_required
@require_POST
def session_create(request, pk: int):
    """The cohort's coordinators: one session."""
    cohort = coordinated_cohort(request, pk)
    form = SessionForm(request.POST, cohort=cohort, prefix="s")
    if form.is_valid():
        try:
            session = services.session_create(cohort=cohort, user=request.user, **form.cleaned_data)
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The session was added."))
            return redirect(session)
    return _render_schedule(request, cohort, session_form=form, status=400)


@login_required
@require_POST
def series_create(request, pk: int):
    """The cohort's coordinators: a weekly series of team meetings."""
    cohort = coordinated_cohort(request, pk)
    form = SeriesForm(request.POST, cohort=cohort, prefix="r")
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.session_series_create(
                cohort=cohort,
                user=request.user,
                team=data["team"],
                first_start=data["first_start"],
                duration=dt.timedelta(hours=float(Decimal(data["hours"]))),
                weeks=data["weeks"],
                title=data["title"],
                kind=Session.Kind.TEAM_MEETING,
                online_url=data["online_url"],
            )
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(count)d sessions were added.") % {"count": len(created)})
            return redirect("studygroups:schedule", cohort.pk)
    return _render_schedule(request, cohort, series_form=form, status=400)


# --- One session --------------------------------------------------------------------------


def _visible_session(request, pk: int) -> Session:
    session = selectors.session_or_404(pk)
    if not permissions.can_view_cohort(request.user, session.cohort):
        raise PermissionDenied
    return session


def _coordinated_session(request, pk: int) -> Session:
    session = _visible_session(request, pk)
    if not permissions.is_coordinator(request.user, session.cohort):
        raise PermissionDenied
    return session


@login_required
@require_safe
def session_detail(request, pk: int):
    """Whoever may see the cohort. Leaders record their team's attendance; participants
    answer the survey after it; coordinators move it, order the presentations, book a
    room and read the survey results (each action has its own view below)."""
    return _render_session(request, _visible_session(request, pk))


def _render_session(
    request,
    session: Session,
    *,
    status: int = 200,
    move_form=None,
    order_form=None,
    survey_form=None,
):
    """The session page, with the bound form of a refused POST when there is one."""
    context = cohort_context(request, session.cohort, "schedule")
    user = request.user
    members = list(selectors.session_members(session))
    recorded = selectors.attendance_of(session)
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
        order_form = PresentationOrderForm(
            teams=selectors.report_teams(session), initial=selectors.presentation_initial(session)
        )
    context.update(
        session=session,
        rows=[(m, recorded.get(m.pk, "")) for m in members],
        may_record=permissions.can_record_attendance(user, session),
        statuses=Attendance.Status.choices,
        move_form=move_form if is_coordinator else None,
        survey_form=survey_form,
        presentations=selectors.presentations_of(session),
        bookable_spaces=selectors.bookable_spaces(user, session) if is_coordinator else ([], False),
        order_form=order_form if is_coordinator else None,
    )
    if is_coordinator:
        context.update(selectors.survey_results(session))
    return render(request, "studygroups/session_detail.html", context, status=status)


@login_required
@require_POST
def session_attendance(request, pk: int):
    """The team's leader and sub-leader, and the coordinators: record attendance."""
    session = _visible_session(request, pk)
    if not permissions.can_record_attendance(request.user, session):
        raise PermissionDenied
    form = AttendanceForm(request.POST, members=selectors.session_members(session))
    if not form.is_valid():
        messages.error(request, _("Choose present, absent or excused for each member."))
        return _render_session(request, session, status=400)
    try:
        services.attendance_record(session=session, user=request.user, statuses=form.statuses())
    except StudyError as error:
        return refused(request, error, session)
    messages.success(request, _("Attendance was saved."))
    return redirect(session)


@login_required
@require_POST
def session_move(request, pk: int):
    """The cohort's coordinators: move the session; its members are told."""
    session = _coordinated_session(request, pk)
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
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The session was moved and its members told."))
            return redirect(session)
    return _render_session(request, session, move_form=form, status=400)


@login_required
@require_POST
def session_presentations(request, pk: int):
    """The cohort's coordinators: the order of presentations at a report meeting."""
    session = _coordinated_session(request, pk)
    form = PresentationOrderForm(request.POST, teams=selectors.report_teams(session))
    if form.is_valid():
        try:
            services.presentation_order_set(session=session, user=request.user, rows=form.rows())
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The order of presentations was saved."))
            return redirect(session)
    return _render_session(request, session, order_form=form, status=400)


@login_required
@require_POST
def session_book_room(request, pk: int):
    """The cohort's coordinators: book a whole room for the session, under the space's
    rules; a refusal is said with the space's reasons."""
    session = _coordinated_session(request, pk)
    form = RoomForm(request.POST)
    space = form.is_valid() and selectors.bookable_space(request.user, form.cleaned_data["space"])
    if not space:
        return refused(request, _("Choose a space you may book."), session)
    try:
        services.session_book_room(session=session, user=request.user, space=space)
    except StudyError as error:
        return refused(request, error, session)
    messages.success(request, _("The room was booked for this session."))
    return redirect(session)


@login_required
@require_POST
def session_survey(request, pk: int):
    """The session's participants, once it is over: answer its survey."""
    session = _visible_session(request, pk)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            services.survey_answer(
                session=session,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except StudyError as error:
            # Refused (not a participant, not over yet): the form again with the comment.
            add_to_form(form, error)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect(session)
    return _render_session(request, session, survey_form=form, status=400)


# --- Attendance rates and feeds -----------------------------------------------------------


@login_required
def attendance(request, pk: int):
    """The cohort's coordinators: attendance rate of every member, as a chart and a table."""
    cohort = coordinated_cohort(request, pk)
    context = cohort_context(request, cohort, "attendance")
    context["rates"] = selectors.attendance_rates(cohort)
    return render(request, "studygroups/attendance.html", context)


def ical_mine(request, token: str):
    """A calendar app holding the member's secret address: their sessions."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404
    sessions = selectors.sessions_of_member(user)
    return calendar_response(
        ical.calendar(_("My study sessions"), sessions, request), "sessions.ics"
    )


def ical_cohort(request, token: str, pk: int):
    """A calendar app holding the secret address of someone who may see the cohort."""
    user = user_for_calendar_token(token)
    cohort = cohort_or_404(pk)
    if user is None or not permissions.can_view_cohort(user, cohort):
        raise Http404
    sessions = selectors.sessions_of_cohort(cohort)
    return calendar_response(
        ical.calendar(cohort.title, sessions, request), f"cohort-{cohort.pk}.ics"
    )
