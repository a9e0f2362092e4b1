"""Exchange meetings (情報交換会) of a network's officers of one field: the upcoming list,
a network's meetings, scheduling one, the meeting's page and its actions (register,
cancel, the minutes, the survey). Who may do what: `studygroups.permissions` (the
exchange meetings section)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import add_to_form, refused

from .. import permissions
from ..errors import StudyError
from ..forms.meetings import MeetingForm, MeetingSurveyForm, MinutesForm
from ..models import ExchangeMeeting
from ..selectors import meetings as selectors
from ..services import meetings as services


def _visible_meeting(request, pk: int) -> ExchangeMeeting:
    meeting = selectors.meeting_or_404(pk)
    if not permissions.can_view_network_meetings(request.user, meeting.region):
        raise PermissionDenied
    return meeting


@login_required
def meeting_list(request):
    """Municipal staff and site admins: the upcoming exchange meetings of the networks
    their municipalities belong to (all of them for site admins)."""
    if not permissions.can_use_meetings(request.user):
        raise PermissionDenied
    return render(
        request,
        "studygroups/meetings/meeting_list.html",
        {"meetings": selectors.upcoming_meetings_for(request.user, timezone.now())},
    )


@login_required
def network_meetings(request, slug: str):
    """Staff of the network's member municipalities and those who run it: its meetings,
    upcoming and past; those who run it also find the link to schedule one."""
    region = selectors.network_or_404(slug)
    if not permissions.can_view_network_meetings(request.user, region):
        raise PermissionDenied
    return render(
        request,
        "studygroups/meetings/network_meetings.html",
        {
            "region": region,
            "may_run": permissions.can_run_meetings(request.user, region),
            **selectors.network_meetings(region, request.user, timezone.now()),
        },
    )


@login_required
def meeting_create(request, slug: str):
    """Those who run the network (its coordinators, site admins): schedule a meeting."""
    region = selectors.network_or_404(slug)
    if not permissions.can_run_meetings(request.user, region):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                region=region,
                user=request.user,
                field=data["field"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                online_url=data["online_url"],
                place=data["place"],
                agenda=data["agenda"],
                capacity=data["capacity"],
            )
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The meeting was scheduled."))
            return redirect(meeting)
    return render(
        request,
        "studygroups/meetings/meeting_form.html",
        {"region": region, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_edit(request, pk: int):
    """Those who run the network: change a meeting that has not started (the registered
    are told of a new time or place)."""
    meeting = _visible_meeting(request, pk)
    if not permissions.can_run_meetings(request.user, meeting.region):
        raise PermissionDenied
    local_start, local_end = (timezone.localtime(t) for t in (meeting.starts_at, meeting.ends_at))
    initial = {
        "field": meeting.field,
        "title": meeting.title,
        "date": local_start.date(),
        "start_time": local_start.time(),
        "end_time": local_end.time(),
        "online_url": meeting.online_url,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "capacity": meeting.capacity,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_update(
                meeting=meeting,
                user=request.user,
                field=data["field"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                online_url=data["online_url"],
                place=data["place"],
                agenda=data["agenda"],
                capacity=data["capacity"],
            )
        except StudyError as error:
            if error.code == "started":
                return refused(request, error, meeting)
            add_to_form(form, error)
        else:
            messages.success(request, _("The meeting was changed."))
            return redirect(meeting)
    return render(
        request,
        "studygroups/meetings/meeting_form.html",
        {"region": meeting.region, "form": form, "meeting": meeting},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_detail(request, pk: int):
    """Staff of the network's member municipalities and those who run it: the meeting,
    its published minutes; registered participants answer the survey after it; those
    who run the network see the participants and the survey's results."""
    return _render_meeting(request, _visible_meeting(request, pk))


def _render_meeting(request, meeting, *, status=200, survey_form=None, minutes_form=None):
    user, now = request.user, timezone.now()
    may_run = permissions.can_run_meetings(user, meeting.region)
    registration = selectors.registration_of(meeting, user)
    is_over = meeting.ends_at <= now
    if survey_form is None and registration is not None and is_over:
        answer = selectors.survey_answer_of(meeting, user)
        survey_form = MeetingSurveyForm(
            initial={"rating": answer.rating, "comment": answer.comment} if answer else None
        )
    if may_run and minutes_form is None and is_over:
        minutes_form = MinutesForm(
            initial={"minutes": meeting.minutes, "publish": bool(meeting.minutes_published_at)}
        )
    full = meeting.capacity is not None and meeting.registered >= meeting.capacity
    context = {
        "meeting": meeting,
        "may_run": may_run,
        "registration": registration,
        "is_over": is_over,
        "has_started": meeting.starts_at <= now,
        "full": full,
        "may_register": registration is None
        and meeting.starts_at > now
        and not full
        and permissions.registering_municipality(user, meeting) is not None,
        "survey_form": survey_form if registration is not None else None,
        "minutes_form": minutes_form if may_run else None,
        "participants": selectors.participants(meeting) if may_run else None,
        "survey": selectors.meeting_survey_results(meeting) if may_run and is_over else None,
    }
    return render(request, "studygroups/meetings/meeting_detail.html", context, status=status)


@login_required
@require_POST
def meeting_register(request, pk: int):
    """Staff of the network's member municipalities, before the meeting starts: register."""
    meeting = _visible_meeting(request, pk)
    try:
        services.meeting_register(meeting=meeting, user=request.user)
    except StudyError as error:
        return refused(request, error, meeting)
    messages.success(request, _("You are registered. A reminder comes the day before."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    """A registered participant, before the meeting starts: cancel the registration."""
    meeting = _visible_meeting(request, pk)
    try:
        services.meeting_cancel(meeting=meeting, user=request.user)
    except StudyError as error:
        return refused(request, error, meeting)
    messages.success(request, _("Your registration was cancelled."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_minutes(request, pk: int):
    """Those who run the network, once the meeting is over: record and publish its
    minutes."""
    meeting = _visible_meeting(request, pk)
    if not permissions.can_run_meetings(request.user, meeting.region):
        raise PermissionDenied
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_minutes_record(
                meeting=meeting,
                user=request.user,
                minutes=form.cleaned_data["minutes"],
                publish=form.cleaned_data["publish"],
            )
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The meeting's minutes were saved."))
            return redirect(meeting)
    return _render_meeting(request, meeting, minutes_form=form, status=400)


@login_required
@require_POST
def meeting_survey(request, pk: int):
    """The meeting's registered participants, once it is over: answer its survey."""
    meeting = _visible_meeting(request, pk)
    if selectors.registration_of(meeting, request.user) is None:
        # Nothing to show the form again on: the page offers it to participants only.
        return refused(request, _("Only the meeting's participants answer its survey."), meeting)
    form = MeetingSurveyForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_survey_answer(
                meeting=meeting,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except StudyError as error:
            return refused(request, error, meeting)
        messages.success(request, _("Thank you for your answer."))
        return redirect(meeting)
    return _render_meeting(request, meeting, survey_form=form, status=400)
