"""Template helpers shared by every app: the one date formatter of the portal."""

import datetime

from django import template
from django.utils import timezone, translation
from django.utils.formats import date_format

register = template.Library()

_JA_WEEKDAYS = "月火水木金土日"


def _local(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
    return value


@register.filter
def jdate(value) -> str:
    """2020年12月18日(金) in Japanese, Fri 18 Dec 2020 in English."""
    if not value:
        return ""
    value = _local(value)
    if translation.get_language() == "ja":
        return f"{value.year}年{value.month}月{value.day}日({_JA_WEEKDAYS[value.weekday()]})"
    return date_format(value, "D j M Y")


@register.filter
def jdatetime(value) -> str:
    """2020年12月18日(金) 13:30 in Japanese, Fri 18 Dec 2020 13:30 in English."""
    if not value:
        return ""
    value = _local(value)
    return f"{jdate(value)} {value:%H:%M}"


@register.filter
def isodatetime(value) -> str:
    """Machine-readable value for <time datetime="…">."""
    if not value:
        return ""
    return _local(value).isoformat()
