"""Exchange meetings (情報交換会) of a network's officers of one field (issue 14, seed 001:
"企業との共創事業の担当者同士の情報交換会", "同じ分野の職員同士のオンライン交流"): scheduling
one, registering and cancelling (a capacity counted under a lock on the meeting row), the
minutes, and the survey after it."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.core.dates import Rendered, span
from cocreation.notifications.services import notify, notify_many

from .. import permissions
from ..errors import StudyError
from ..models import ExchangeMeeting, MeetingRegistration, MeetingSurveyResponse


def meeting_where(meeting: ExchangeMeeting) -> str:
    """Where a meeting takes place, as its notifications say it: the place and/or the
    online link."""
    return " / ".join(part for part in (meeting.place, meeting.online_url) if part) or "—"


def meeting_create(
    *,
    region,
    user,
    field: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    online_url: str = "",
    place: str = "",
    agenda: str = "",
    capacity: int | None = None,
) -> ExchangeMeeting:
    """Schedule a meeting of `region` (a network) for the officers of `field` (free text:
    官民共創の窓口担当, DX, 防災). Times are aware datetimes (the form reads them in JST);
    `capacity` None: no limit. Raises StudyError for anyone but those who run the network,
    an end not after the start, or neither an online link nor a place."""
    if not permissions.can_run_meetings(user, region):
        raise StudyError(_("Only those who run the network schedule its meetings."))
    if ends_at <= starts_at:
        raise StudyError(_("A meeting ends after it starts."), field="end_time")
    if not online_url and not place:
        raise StudyError(_("Give an online meeting link, a place, or both."), field="online_url")
    if capacity is not None and capacity < 1:
        raise StudyError(_("Leave the capacity empty or give at least 1."), field="capacity")
    return ExchangeMeeting.objects.create(
        region=region,
        field=field,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        online_url=online_url,
        place=place,
        agenda=agenda,
        capacity=capacity,
        organiser=user,
    )


def meeting_update(
    *,
    meeting: ExchangeMeeting,
    user,
    field: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    online_url: str = "",
    place: str = "",
    agenda: str = "",
    capacity: int | None = None,
    now: dt.datetime | None = None,
) -> ExchangeMeeting:
    """Change a meeting that has not started (the same values as `meeting_create`). When
    its time or place changes, everyone registered is told in plain text (once per new
    time and place), and the day-before reminder follows the new time. Raises StudyError
    for anyone but those who run the network, a meeting already started, the rules of
    `meeting_create`, or a capacity below those already registered."""
    now = now or timezone.now()
    if not permissions.can_run_meetings(user, meeting.region):
        raise StudyError(_("Only those who run the network schedule its meetings."))
    if ends_at <= starts_at:
        raise StudyError(_("A meeting ends after it starts."), field="end_time")
    if not online_url and not place:
        raise StudyError(_("Give an online meeting link, a place, or both."), field="online_url")
    with transaction.atomic():
        # The meeting row is the lock registrations take too: the count below is exact.
        locked = (
            ExchangeMeeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
        )
        if locked.starts_at <= now:
            raise StudyError(_("A meeting that has started cannot be changed."), code="started")
        registered = locked.registrations.count()
        if capacity is not None and capacity < max(registered, 1):
            raise StudyError(
                _("%(count)s people are registered already: the capacity cannot be lower.")
                % {"count": registered},
                field="capacity",
            )
        moved = (locked.starts_at, locked.ends_at, meeting_where(locked)) != (
            starts_at,
            ends_at,
            " / ".join(part for part in (place, online_url) if part) or "—",
        )
        for name, value in {
            "field": field,
            "title": title,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "online_url": online_url,
            "place": place,
            "agenda": agenda,
            "capacity": capacity,
        }.items():
            setattr(locked, name, value)
        locked.save()
        if moved:
            notify_many(
                _participant_users(locked),
                "study.meeting_changed",
                locked,
                context={
                    "meeting": locked.title,
                    "network": locked.region.name,
                    "when": Rendered(span, locked.starts_at, locked.ends_at),
                    "place": meeting_where(locked),
                },
                url=locked.get_absolute_url(),
                key_prefix=(
                    f"study.meeting_changed|{locked.pk}|{locked.starts_at:%Y%m%dT%H%M}|"
                    f"{meeting_where(locked)[:60]}"
                ),
            )
    return locked


def meeting_register(
    *, meeting: ExchangeMeeting, user, now: dt.datetime | None = None
) -> MeetingRegistration:
    """Register `user` for `meeting` before it starts (`now`, default the current time),
    with their municipality (a member of the network) and department. The meeting row is
    locked while the registrations are counted, so two people taking the last place at
    once make one registration; the unique constraint is the last guard against a second
    registration of the same person. Tells the participant and the meeting's organiser.
    Raises StudyError (not staff of a member municipality, started, full, registered)."""
    organisation = permissions.registering_municipality(user, meeting)
    if organisation is None:
        raise StudyError(
            _("Only staff of the network's municipalities register."), code="not_member"
        )
    with transaction.atomic():
        meeting = (
            ExchangeMeeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
        )
        if meeting.starts_at <= (now or timezone.now()):
            raise StudyError(_("Registration closed when the meeting started."), code="started")
        if MeetingRegistration.objects.filter(meeting=meeting, user=user).exists():
            raise StudyError(_("You are already registered for this meeting."), code="twice")
        count = meeting.registrations.count()
        if meeting.capacity is not None and count >= meeting.capacity:
            raise StudyError(_("The meeting is full."), code="full")
        membership = next(
            (m for m in roles.active_memberships(user) if m.organisation_id == organisation.pk),
            None,
        )
        try:
            with transaction.atomic():
                registration = MeetingRegistration.objects.create(
                    meeting=meeting,
                    user=user,
                    organisation=organisation,
                    department=(membership.department if membership else "")[:100],
                )
        except IntegrityError:
            raise StudyError(
                _("You are already registered for this meeting."), code="twice"
            ) from None
        context = {
            "meeting": meeting.title,
            "network": meeting.region.name,
            "when": Rendered(span, meeting.starts_at, meeting.ends_at),
            "place": meeting_where(meeting),
        }
        notify(
            user,
            "study.meeting_registered",
            registration,
            context=context,
            url=meeting.get_absolute_url(),
        )
        if meeting.organiser_id and meeting.organiser_id != user.pk:
            notify(
                meeting.organiser,
                "study.meeting_registration_received",
                registration,
                context={
                    **context,
                    "person": user.display_name,
                    "organisation": organisation.name,
                    "count": count + 1,
                },
                url=meeting.get_absolute_url(),
            )
    return registration


def meeting_cancel(*, meeting: ExchangeMeeting, user, now: dt.datetime | None = None) -> None:
    """Cancel `user`'s registration for `meeting` before it starts (`now`, default the
    current time); the place is free again. Raises StudyError (started, not registered)."""
    with transaction.atomic():
        meeting = ExchangeMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.starts_at <= (now or timezone.now()):
            raise StudyError(_("A registration cannot be cancelled once the meeting started."))
        deleted, _rows = MeetingRegistration.objects.filter(meeting=meeting, user=user).delete()
        if not deleted:
            raise StudyError(_("You are not registered for this meeting."))


# Personal contact data the minutes must not carry (they are read by every member
# municipality's staff): e-mail addresses and telephone numbers.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)0\d{1,4}[-‐－ー(（]?\d{1,4}[-‐－ー)）]?\d{3,4}(?!\d)")


def contact_data_in(text: str) -> bool:
    """Whether `text` holds an e-mail address or a Japanese telephone number."""
    return bool(_EMAIL.search(text) or _PHONE.search(text))


def meeting_minutes_record(
    *,
    meeting: ExchangeMeeting,
    user,
    minutes: str,
    publish: bool,
    now: dt.datetime | None = None,
) -> ExchangeMeeting:
    """Record the minutes of `meeting` once it is over (`now`, default the current time);
    `publish` shows them to the staff of the member municipalities and tells the
    participants (once: a later edit tells no one again). Raises StudyError for anyone
    but those who run the network, before the meeting ends, with no text to publish, or
    with personal contact data (an e-mail address, a telephone number) in the text."""
    if not permissions.can_run_meetings(user, meeting.region):
        raise StudyError(_("Only those who run the network record the minutes."))
    now = now or timezone.now()
    if meeting.ends_at > now:
        raise StudyError(_("The minutes are recorded once the meeting is over."), field="minutes")
    minutes = minutes.strip()
    if publish and not minutes:
        raise StudyError(_("Write the minutes before publishing them."), field="minutes")
    if contact_data_in(minutes):
        raise StudyError(
            _(
                "The minutes are read by the staff of every member municipality: remove "
                "e-mail addresses and telephone numbers."
            ),
            field="minutes",
        )
    with transaction.atomic():
        meeting = (
            ExchangeMeeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
        )
        first_publication = publish and meeting.minutes_published_at is None
        meeting.minutes = minutes
        if first_publication:
            meeting.minutes_published_at = now
        meeting.save(update_fields=["minutes", "minutes_published_at"])
        if first_publication:
            notify_many(
                _participant_users(meeting),
                "study.meeting_minutes",
                meeting,
                context={
                    "meeting": meeting.title,
                    "when": Rendered(span, meeting.starts_at, meeting.ends_at),
                    "minutes": minutes,
                },
                url=meeting.get_absolute_url(),
                key_prefix=f"study.meeting_minutes|{meeting.pk}",
            )
    return meeting


def _participant_users(meeting: ExchangeMeeting):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(meeting_registrations__meeting=meeting)


def meeting_survey_answer(
    *,
    meeting: ExchangeMeeting,
    user,
    rating: int,
    comment: str,
    now: dt.datetime | None = None,
) -> MeetingSurveyResponse:
    """A participant's answer to the meeting's survey (`rating` 1 to 5, a free comment)
    once it is over (`now`, default the current time); answering again replaces the
    answer (one per person and meeting: the constraint). Raises StudyError (did not
    register, too early, a rating out of range)."""
    if not MeetingRegistration.objects.filter(meeting=meeting, user=user).exists():
        raise StudyError(_("Only the meeting's participants answer its survey."))
    if meeting.ends_at > (now or timezone.now()):
        raise StudyError(_("The survey opens when the meeting is over."))
    if not 1 <= rating <= 5:
        raise StudyError(_("Rate from 1 to 5."), field="rating")
    response, _created = MeetingSurveyResponse.objects.update_or_create(
        meeting=meeting, user=user, defaults={"rating": rating, "comment": comment}
    )
    return response
