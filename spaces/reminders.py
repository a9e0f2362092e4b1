"""The day-before reminder of each booking, selected when due by the periodic task."""

import datetime as dt

from django.utils import timezone

from cocreation.notifications.models import Notification
from cocreation.notifications.services import notify

from .models import Booking
from .services import _When


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
