"""Template helpers shared by every app: the portal's date formatter as filters."""

import datetime

from django import template
from django.utils import timezone

from cocreation.core.dates import jdate, jdatetime

register = template.Library()


@register.filter(name="jdate")
def jdate_filter(value) -> str:
    """`{{ value|jdate }}`: 2020年12月18日(金) (cocreation.core.dates.jdate)."""
    return jdate(value)


@register.filter(name="jdatetime")
def jdatetime_filter(value) -> str:
    """`{{ value|jdatetime }}`: 2020年12月18日(金) 13:30 (cocreation.core.dates.jdatetime)."""
    return jdatetime(value)


@register.filter
def isodatetime(value) -> str:
    """Machine-readable value for <time datetime="…">."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat()
