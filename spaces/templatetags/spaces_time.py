"""How the space pages write a booking's or a range's end: a room may close at midnight,
stored as the next day's 00:00, and people read that as 24:00
(`cocreation.core.dates.end_clock`)."""

from django import template

from cocreation.core.dates import end_clock as _end_clock

register = template.Library()


@register.filter
def end_clock(value) -> str:
    """`{{ booking.ends_at|end_clock }}`: "HH:MM" in local time, "24:00" for an end at
    midnight; "" for no value."""
    if not value:
        return ""
    return _end_clock(value)
