"""Reads for exchange meetings (情報交換会) of a network's officers: the upcoming list,
a network's meetings, a meeting's page (participants, minutes, the survey's results and
word cloud, which reuse the sessions' `word_frequencies`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404

from cocreation.organisations.models import Region

from .. import permissions
from ..models import ExchangeMeeting, MeetingRegistration, MeetingSurveyResponse
from .sessions import word_frequencies

UPCOMING_LIMIT = 50
NETWORK_PAST_LIMIT = 30


def _with_counts(meetings):
    return meetings.select_related("region").annotate(registered=Count("registrations"))


def meeting_or_404(pk: int) -> ExchangeMeeting:
    """The meeting `pk` with its network and how many registered (`registered`); Http404
    when there is none."""
    return get_object_or_404(_with_counts(ExchangeMeeting.objects.all()), pk=pk)


def network_or_404(slug: str) -> Region:
    """The network (Region) `slug`; Http404 when there is none."""
    return get_object_or_404(Region, slug=slug)


def upcoming_meetings_for(user, now: dt.datetime) -> list[ExchangeMeeting]:
    """The meetings `user` may see that end at `now` or later, soonest first (at most
    UPCOMING_LIMIT), each with `registered` and `mine` (whether the user registered):
    two queries whatever the number of meetings."""
    meetings = list(
        _with_counts(
            ExchangeMeeting.objects.filter(permissions.visible_meetings_q(user), ends_at__gte=now)
        ).order_by("starts_at", "id")[:UPCOMING_LIMIT]
    )
    _mark_mine(meetings, user)
    return meetings


def network_meetings(region: Region, user, now: dt.datetime) -> dict[str, list]:
    """`region`'s meetings: {"upcoming": soonest first, "past": newest first (at most
    NETWORK_PAST_LIMIT)}, each with `registered` and `mine`."""
    meetings = _with_counts(region.exchange_meetings.all())
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at", "id"))
    past = list(meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:NETWORK_PAST_LIMIT])
    _mark_mine(upcoming + past, user)
    return {"upcoming": upcoming, "past": past}


def _mark_mine(meetings: list[ExchangeMeeting], user) -> None:
    mine = set()
    if meetings and getattr(user, "is_authenticated", False):
        mine = set(
            MeetingRegistration.objects.filter(
                user=user, meeting_id__in=[m.pk for m in meetings]
            ).values_list("meeting_id", flat=True)
        )
    for meeting in meetings:
        meeting.mine = meeting.pk in mine


def registration_of(meeting: ExchangeMeeting, user) -> MeetingRegistration | None:
    """The user's registration for `meeting`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return MeetingRegistration.objects.filter(meeting=meeting, user=user).first()


def participants(meeting: ExchangeMeeting) -> list[MeetingRegistration]:
    """Who registered, in order of registration, with their person and municipality (for
    the organisers: name, municipality, department)."""
    return list(meeting.registrations.select_related("user", "organisation"))


def survey_answer_of(meeting: ExchangeMeeting, user) -> MeetingSurveyResponse | None:
    """The user's answer to the meeting's survey, or None."""
    return MeetingSurveyResponse.objects.filter(meeting=meeting, user=user).first()


def meeting_survey_results(meeting: ExchangeMeeting) -> dict:
    """The survey's answers, as `studygroups.selectors.sessions.survey_results` gives a
    session's: `responses` (without names), the `average` rating (None without answers)
    and the `words` of the comments for the word cloud."""
    responses = list(meeting.responses.order_by("pk"))
    return {
        "responses": responses,
        "average": (sum(r.rating for r in responses) / len(responses)) if responses else None,
        "words": word_frequencies(r.comment for r in responses),
    }
