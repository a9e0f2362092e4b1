"""Sessions: planning them (one, or a weekly series), moving them, booking a room for
them, the order of presentations at a report meeting, attendance and the survey after."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.core import inputs
from cocreation.core.dates import Rendered, span
from cocreation.core.errors import PortalError
from cocreation.notifications.services import notify_many

from .. import permissions
from ..errors import StudyError
from ..models import (
    Attendance,
    Cohort,
    Member,
    Phase,
    PresentationSlot,
    Session,
    SurveyResponse,
    Team,
)
from ..selectors.sessions import session_members


def where(session: Session) -> str:
    """Where a session takes place, as its notifications say it: the place, else the
    online link, else a dash."""
    return session.place or session.online_url or "—"


def _only_coordinators(user, cohort: Cohort) -> None:
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators plan sessions."))


def session_create(
    *,
    cohort: Cohort,
    user,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    team: Team | None = None,
    phase: Phase | None = None,
    place: str = "",
    online_url: str = "",
    lecturer: str = "",
    content: str = "",
) -> Session:
    """One session of `cohort` (`team` None: the whole cohort), with values already checked
    by the session form (the date window, an end after the start). Raises StudyError for
    anyone but the cohort's coordinators."""
    _only_coordinators(user, cohort)
    return Session.objects.create(
        cohort=cohort,
        team=team,
        phase=phase,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_url=online_url,
        lecturer=lecturer,
        content=content,
    )


def session_series_create(
    *,
    cohort: Cohort,
    user,
    team: Team | None,
    first_start: dt.datetime,
    duration: dt.timedelta,
    weeks: int,
    title: str,
    kind: str,
    place: str = "",
    online_url: str = "",
) -> list[Session]:
    """A weekly series (e.g. every Wednesday two hours); single dates are edited afterwards.

    `first_start` aware, `duration` positive, `weeks` 1..52. The first start and the last
    end must lie in the date window (cocreation.core.inputs), judged by arithmetic before
    any session is built. Raises StudyError naming the field.
    """
    _only_coordinators(user, cohort)
    if not 1 <= weeks <= 52:
        raise StudyError(_("Choose between 1 and 52 weeks."), field="weeks")
    try:
        inputs.validate_date(first_start)
        inputs.validate_date(first_start + dt.timedelta(weeks=weeks - 1) + duration)
    except (ValidationError, OverflowError):
        raise StudyError(
            _("Every session of the series must fall between %(first)s and %(last)s.")
            % inputs.window_params(),
            field="weeks",
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
        )
        for n in range(weeks)
    ]
    return Session.objects.bulk_create(sessions)


def session_move(
    *,
    session: Session,
    user,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str | None = None,
) -> Session:
    """Move one session (and change its place, unless `place` is None); its members are
    told once per move. Both times must lie in the date window. Raises StudyError naming
    the field."""
    _only_coordinators(user, session.cohort)
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        try:
            inputs.validate_date(value)
        except ValidationError as error:
            raise StudyError(error.messages[0], field=name) from None
    if ends_at <= starts_at:
        raise StudyError(_("A session ends after it starts."), field="ends_at")
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        old = Rendered(span, locked.starts_at, locked.ends_at)
        locked.starts_at, locked.ends_at = starts_at, ends_at
        if place is not None:
            locked.place = place
        locked.revision += 1
        locked.save(update_fields=["starts_at", "ends_at", "place", "revision"])
        notify_many(
            [member.user for member in session_members(locked)],
            "study.session_moved",
            locked,
            context={
                "session": locked.title,
                "old": old,
                "when": Rendered(span, locked.starts_at, locked.ends_at),
                "place": where(locked),
            },
            url=locked.get_absolute_url(),
            key_prefix=f"study.session_moved|{locked.pk}|{locked.revision}",
        )
    return locked


def session_book_room(*, session: Session, user, space):
    """Book the whole of `space` (a spaces.Space) for the session's time under the space's
    own rules, and link the booking to the session (whose place becomes the space's name
    when it has none). The session row is locked, so two clicks link one booking.
    Raises StudyError with the space's reasons, next to "space"."""
    from spaces.models import Booking
    from spaces.services.bookings import booking_create

    _only_coordinators(user, session.cohort)
    with transaction.atomic():
        locked = (
            Session.objects.select_for_update(of=("self",))
            .select_related("booking", "cohort")
            .get(pk=session.pk)
        )
        if locked.booking_id and locked.booking.is_live:
            raise StudyError(_("This session already has a room booking."), field="space")
        try:
            booking = booking_create(
                space=space,
                user=user,
                kind=Booking.Kind.WHOLE_ROOM,
                starts_at=locked.starts_at,
                ends_at=locked.ends_at,
                purpose=f"{locked.cohort.title}: {locked.title}"[:200],
            )
        except PortalError as error:
            raise StudyError(
                " ".join(refusal.message for refusal in error.refusals), field="space", code="room"
            ) from None
        locked.booking = booking
        if not locked.place:
            locked.place = space.name
        locked.save(update_fields=["booking", "place"])
    return booking


@transaction.atomic
def presentation_order_set(*, session: Session, user, rows: list[tuple[int, int, str]]) -> None:
    """The order of presentations at a report meeting. `rows`: (team id, order from 1,
    presentation title); teams left out do not present. Raises StudyError when two teams
    share a place in the order."""
    _only_coordinators(user, session.cohort)
    orders = [order for _team, order, _title in rows]
    if len(orders) != len(set(orders)):
        raise StudyError(_("Two teams cannot present in the same place in the order."))
    Session.objects.select_for_update().get(pk=session.pk)
    PresentationSlot.objects.filter(session=session).delete()
    PresentationSlot.objects.bulk_create(
        PresentationSlot(session=session, team_id=team_id, order=order, title=title)
        for team_id, order, title in rows
    )


def attendance_record(*, session: Session, user, statuses: dict[int, str]) -> int:
    """Record attendance: `statuses` maps member ids to Attendance.Status values; members
    who are not the session's participants, and unknown statuses, are left out. Returns
    how many were recorded. Raises StudyError for anyone but the team's leader and
    sub-leader and the cohort's coordinators."""
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
                session=session,
                member_id=member_id,
                defaults={"status": status, "recorded_by": user},
            )
            count += 1
    return count


def survey_answer(
    *, session: Session, user, rating: int, comment: str, now: dt.datetime | None = None
) -> SurveyResponse:
    """A participant's answer to the session's survey (`rating` 1 to 5, a free comment),
    once the session is over (`now`, default the current time); answering again replaces
    the answer. Raises StudyError (not a participant, too early, a rating out of range)."""
    member = Member.objects.filter(
        cohort=session.cohort, user=user, status=Member.Status.ACCEPTED
    ).first()
    if member is None or not session_members(session).filter(pk=member.pk).exists():
        raise StudyError(_("Only the session's participants answer its survey."))
    if session.ends_at > (now or timezone.now()):
        raise StudyError(_("The survey opens when the session is over."))
    if not 1 <= rating <= 5:
        raise StudyError(_("Rate from 1 to 5."), field="rating")
    response, _created = SurveyResponse.objects.update_or_create(
        session=session, member=member, defaults={"rating": rating, "comment": comment}
    )
    return response
