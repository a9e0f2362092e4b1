"""Dates and times as the portal writes them: 2020年12月18日(金) 13:30 in Japanese, Fri 18 Dec
2020 13:30 in English, always in the site's zone (Asia/Tokyo); the one formatter of the
portal, used by templates (the `jdate` / `jdatetime` filters), mail texts and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

_JA_WEEKDAYS = "月火水木金土日"


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _japanese() -> bool:
    return (translation.get_language() or "ja").startswith("ja")


def jdate(value: dt.date | dt.datetime | None) -> str:
    """2020年12月18日(金) in Japanese, Fri 18 Dec 2020 in English; "" for None."""
    if not value:
        return ""
    value = _local(value)
    if _japanese():
        return f"{value.year}年{value.month}月{value.day}日({_JA_WEEKDAYS[value.weekday()]})"
    return date_format(value, "D j M Y")


def jdatetime(value: dt.datetime | None) -> str:
    """2020年12月18日(金) 13:30 (local time); "" for None."""
    if not value:
        return ""
    value = _local(value)
    return f"{jdate(value)} {value:%H:%M}"


def isodatetime(value: dt.date | dt.datetime | None) -> str:
    """The machine-readable value of <time datetime="…">, in local time; "" for None."""
    if not value:
        return ""
    return _local(value).isoformat()


def clock(value: dt.time, *, closing: bool = False) -> str:
    """13:30; with `closing`, 00:00 is written 24:00 (the end of the day, as a room that
    closes at midnight shows it)."""
    if closing and value == dt.time(0):
        return "24:00"
    return f"{value:%H:%M}"


def end_clock(value: dt.datetime) -> str:
    """The local time something ends, "HH:MM": an end at 00:00 is the end of the day
    before, "24:00" (nothing the portal keeps ends at the start of its own day)."""
    return clock(timezone.localtime(value).time(), closing=True)


def span(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """2020年12月18日(金) 13:30〜15:00 (an end at midnight as 24:00), in local time."""
    start = timezone.localtime(starts_at)
    return f"{jdate(start.date())} {start:%H:%M}〜{end_clock(ends_at)}"


class Rendered:
    """A value written out only when it is turned into text: `Rendered(jdate, day)` in a
    notification's context is formatted in the recipient's language when notify() renders
    the message, not in the language of the request that caused it."""

    def __init__(self, function: Callable[..., str], *args) -> None:
        self.function = function
        self.args = args

    def __str__(self) -> str:
        return self.function(*self.args)


def fiscal_year(day: dt.date) -> int:
    """The Japanese fiscal year (年度, April to March; 地方自治法 第208条) of `day`, named by
    the year in which it begins: 2021年3月31日 is in 2020年度."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int) -> str:
    """`year` (a fiscal year, `fiscal_year`) as people read it: 2025年度 in Japanese,
    FY2025 in English."""
    return gettext("FY%(year)s") % {"year": year}
