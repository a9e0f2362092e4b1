"""The rooms booked for a quest's on-site interviews, beside the slots on the quest's
selection page. Quests sit below spaces in the layers (core <- quests <- spaces), so the
quests template loads this tag and spaces reads its own bookings, as quest_bookings does."""

import datetime as dt

from django import template

from ..models import Booking

register = template.Library()


@register.simple_tag
def interview_rooms(quest, slots) -> list[tuple]:
    """`{% interview_rooms quest slots as rows %}`: (slot, booking or None) for each of
    `slots` (the quest's InterviewSlots), the booking being a live room booking made for
    `quest` that covers the slot's time (JST); online slots get None. One query."""
    slots = list(slots)
    on_site = [slot for slot in slots if not slot.online_url]
    if not on_site:
        return [(slot, None) for slot in slots]
    first = min(slot.starts for slot in on_site)
    last = max(dt.datetime.combine(s.held_on, s.ends_at, tzinfo=s.starts.tzinfo) for s in on_site)
    bookings = list(
        Booking.objects.filter(
            quest=quest,
            status__in=Booking.LIVE_STATUSES,
            starts_at__lt=last,
            ends_at__gt=first,
        )
        .select_related("space")
        .order_by("starts_at", "pk")
    )
    rows = []
    for slot in slots:
        room = None
        if not slot.online_url:
            ends = dt.datetime.combine(slot.held_on, slot.ends_at, tzinfo=slot.starts.tzinfo)
            room = next(
                (b for b in bookings if b.starts_at <= slot.starts and b.ends_at >= ends), None
            )
        rows.append((slot, room))
    return rows
