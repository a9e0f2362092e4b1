"""How the space pages write a booking's or a range's end: a room may close at midnight,
stored as the next day's 00:00, and people read that as 24:00 (`spaces.rules.end_clock`)."""

from django import template

from .. import rules

register = template.Library()


@register.filter
def end_clock(value) -> str:
    """`{{ booking.ends_at|end_clock }}`: "HH:MM" in local time, "24:00" for an end at
    midnight; "" for no value."""
    if not value:
        return ""
    return rules.end_clock(value)
