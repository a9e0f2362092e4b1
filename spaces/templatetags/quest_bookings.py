"""A quest's room bookings on the quest's page. Quests sit below spaces in the layers
(core <- quests <- spaces), so the quest page does not import spaces: its template loads
this tag, and spaces reads its own bookings."""

from django import template

from ..models import Booking

register = template.Library()


@register.inclusion_tag("spaces/_quest_bookings.html")
def quest_bookings(quest, limit: int = 10) -> dict:
    """`{% quest_bookings quest %}`: the live bookings made for `quest` (pending or
    confirmed), the latest `limit` first, with their spaces; one query."""
    bookings = list(
        Booking.objects.filter(quest=quest, status__in=Booking.LIVE_STATUSES)
        .select_related("space")
        .order_by("-starts_at")[:limit]
    )
    return {"bookings": bookings}
