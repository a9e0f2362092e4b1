"""Reminders selected when due by the periodic tasks (spaces/tasks.py): the day-before
reminder of each booking, and the coordinators' reminder of requests still pending."""

import datetime as dt

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext

from cocreation.notifications.models import Notification
from cocreation.notifications.services import notify
from cocreation.templatetags.portal import jdatetime

from .models import Booking
from .services import _request_context, _When, space_coordinators


def send_booking_reminders(*, today: dt.date) -> int:
    tz = timezone.get_current_timezone()
    tomorrow = today + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=tz)
    bookings = list(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        ).select_related("space", "user")
    )
    # The key names the start it reminds of: a booking moved after its reminder is
    # reminded again of its new time (issue 10 B4).
    keys = {
        booking.pk: f"space.booking_reminder|{booking.pk}|"
        f"{timezone.localtime(booking.starts_at):%Y-%m-%dT%H:%M}"
        for booking in bookings
    }
    already = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    sent = 0
    for booking in bookings:
        if keys[booking.pk] in already:
            continue
        notify(
            booking.user,
            "space.booking_reminder",
            booking,
            context={
                "space": booking.space.name,
                "address": booking.space.location,
                "when": _When(booking),
                "purpose": booking.purpose,
            },
            url=booking.get_absolute_url(),
            key=keys[booking.pk],
        )
        sent += 1
    return sent


# A request is pending "since" it was made, or since the change that asked again.
REQUEST_REMINDER_AFTER = dt.timedelta(days=1)


class _Since:
    """When the request was made (2020年12月18日(金) 10:00), in the recipient's language."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def __str__(self) -> str:
        return jdatetime(self.moment)


class _More:
    """The line saying how many more dates of the same weekly request wait too."""

    def __init__(self, count: int):
        self.count = count

    def __str__(self) -> str:
        if not self.count:
            return ""
        text = ngettext(
            "%(count)d more date of the same weekly booking awaits approval too.",
            "%(count)d more dates of the same weekly booking await approval too.",
            self.count,
        )
        return text % {"count": self.count} + "\n"


def send_request_reminders(*, now: dt.datetime) -> int:
    """Remind the space's coordinators (services.space_coordinators) of each whole-room
    request still pending a day or more after it was made (or asked again by a change)
    and not yet begun; again each further day it waits, never twice in one day of
    waiting, however often the periodic task runs (issue 10 B2).

    `now` is aware. A weekly series is reminded by its earliest waiting date, with the
    count of the others. The key names the booking, its start, when it was asked and
    the day of waiting, so a moved request is reminded again of its new time.
    Returns the number of notifications made."""
    waiting = list(
        Booking.objects.filter(status=Booking.Status.PENDING, starts_at__gt=now)
        .annotate(since=Coalesce("status_changed_at", "created_at"))
        .filter(since__lte=now - REQUEST_REMINDER_AFTER)
        .select_related("space__host", "user")
        .order_by("starts_at", "pk")
    )
    first_of: dict[tuple, Booking] = {}
    others: dict[tuple, int] = {}
    for booking in waiting:
        group = ("series", booking.series_id) if booking.series_id else ("one", booking.pk)
        if group in first_of:
            others[group] = others.get(group, 0) + 1
        else:
            first_of[group] = booking
    coordinators: dict[int, list] = {}
    planned = []
    for group, booking in first_of.items():
        if booking.space_id not in coordinators:
            coordinators[booking.space_id] = space_coordinators(booking.space)
        days = (now - booking.since) // REQUEST_REMINDER_AFTER
        start = timezone.localtime(booking.starts_at)
        since = timezone.localtime(booking.since)
        for person in coordinators[booking.space_id]:
            key = (
                f"space.booking_request_reminder|{booking.pk}|{start:%Y-%m-%dT%H:%M}|"
                f"{since:%Y%m%dT%H%M%S}|day{days}|{person.pk}"
            )
            planned.append((key, booking, person, others.get(group, 0)))
    already = set(
        Notification.objects.filter(key__in=[p[0] for p in planned]).values_list("key", flat=True)
    )
    sent = 0
    for key, booking, person, more in planned:
        if key in already:
            continue
        # notify() is idempotent by key too, so two overlapping runs still send once.
        notify(
            person,
            "space.booking_request_reminder",
            booking,
            context={
                **_request_context(booking),
                "since": _Since(booking.since),
                "more": _More(more),
            },
            url=booking.get_absolute_url(),
            key=key,
        )
        sent += 1
    return sent
