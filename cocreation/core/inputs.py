"""What the portal accepts from people, stated once.

Every date and datetime a person can enter (forms, query strings, the admin) lies in
one window, `DATE_MIN`..`DATE_MAX`; dates of birth have their own lower bound. Text may
not carry control characters (tab and line breaks only where the field takes several
lines) nor bidirectional override characters, which make a name read differently from
what is stored (Unicode TR #9, "Trojan Source", CVE-2021-42574). Integers are bounded by
the PostgreSQL column they end up in.

The form mixin in `cocreation.core.forms` applies these rules to every field of every
form; model fields carry the same validators so that the admin refuses too; and
`window_constraint` makes PostgreSQL refuse what any other path (shell, import) tries.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# The window for every date of the portal's own business: bookings, sessions, deadlines,
# trials, recruitment. Wide enough for any plan or record, narrow enough that arithmetic
# on it (a cohort copied forward by years, a week view's Monday) stays in range.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# Dates of birth (study group applications) go further back.
BIRTH_DATE_MIN = dt.date(1900, 1, 1)

# PostgreSQL column ranges (https://www.postgresql.org/docs/current/datatype-numeric.html).
SMALLINT_MAX = 32_767
INTEGER_MAX = 2_147_483_647
BIGINT_MAX = 9_223_372_036_854_775_807

# Bidirectional embedding, override and isolate characters (U+202A..U+202E,
# U+2066..U+2069). Marks (U+200E/U+200F) are harmless and stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_ALLOWED = frozenset("\t\n\r")
# Invisible characters that make a one-line text (a name, a title, a typed municipality)
# read as another while stored differently: 郡山<U+200B>市 looks like 郡山市 but matches
# nothing. Zero-width space, word joiner, byte order mark, soft hyphen, Mongolian vowel
# separator. The joiners U+200C/U+200D stay allowed: scripts and emoji sequences use them.
INVISIBLE_IN_ONE_LINE = frozenset("\u200b\u2060\ufeff\u00ad\u180e")
# Django's own message for U+0000, which model fields still check
# (ProhibitNullCharactersValidator): its Japanese catalogue reads "enter some
# characters", so the portal's catalogue gives it a Japanese that says what is wrong.
NULL_CHARACTERS = _("Null characters are not allowed.")


def _label(day: dt.date) -> str:
    # In the active language: 2000年1月1日 / Jan. 1, 2000.
    return formats.date_format(day, "DATE_FORMAT")


def window_params(earliest: dt.date = DATE_MIN) -> dict[str, str]:
    """The window's ends as `first`/`last` for a message, in the active language."""
    return {"first": _label(earliest), "last": _label(DATE_MAX)}


def in_window(value: dt.date | dt.datetime | None, *, earliest: dt.date = DATE_MIN) -> bool:
    """Whether a date (or an aware datetime, by its JST date) lies in the window."""
    if value is None:
        return False
    day = value
    try:
        if isinstance(value, dt.datetime):
            day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    except OverflowError:  # year 1 or 9999 moved across the date line
        return False
    return earliest <= day <= DATE_MAX


def _window_message(earliest: dt.date = DATE_MIN) -> str:
    return _("Enter a date between %(first)s and %(last)s.") % window_params(earliest)


# Evaluated when shown, in the reader's language (a constraint's message is built once).
window_message = lazy(_window_message, str)


def validate_date(value: dt.date | dt.datetime | None, *, earliest: dt.date = DATE_MIN) -> None:
    """Refuse a date (or aware datetime, judged by its JST date) outside the window.

    Raises ValidationError(code="date_window") with a message naming the window.
    """
    if value is not None and not in_window(value, earliest=earliest):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_window",
            params=window_params(earliest),
        )


def validate_birth_date(value: dt.date | None) -> None:
    """A date of birth: from `BIRTH_DATE_MIN`, and not in the future."""
    validate_date(value, earliest=BIRTH_DATE_MIN)
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot be in the future."), code="date_window")


def _forbidden_characters(value: str, *, multiline: bool) -> list[str]:
    found = []
    for char in value:
        if char in BIDI_CONTROLS or (not multiline and char in INVISIBLE_IN_ONE_LINE):
            found.append(char)
        elif unicodedata.category(char) == "Cc" and not (multiline and char in MULTILINE_ALLOWED):
            found.append(char)
    return found


def _describe(chars: list[str]) -> str:
    return ", ".join(sorted({f"U+{ord(c):04X}" for c in chars}))


def validate_single_line(value: str) -> None:
    """Names, titles, one-line fields: no control, bidirectional override or invisible
    characters (`INVISIBLE_IN_ONE_LINE`).

    Raises ValidationError(code="control_characters") naming each by its code point (U+200B)."""
    if isinstance(value, str) and (bad := _forbidden_characters(value, multiline=False)):
        raise ValidationError(
            _("Remove the invisible control characters (%(chars)s) from this text."),
            code="control_characters",
            params={"chars": _describe(bad)},
        )


def validate_multiline(value: str) -> None:
    """Descriptions, messages: tab and line breaks allowed, other control characters not."""
    if isinstance(value, str) and (bad := _forbidden_characters(value, multiline=True)):
        raise ValidationError(
            _("Remove the invisible control characters (%(chars)s) from this text."),
            code="control_characters",
            params={"chars": _describe(bad)},
        )


def _printable(char: str, allowed: str) -> bool:
    return char in allowed or (char not in BIDI_CONTROLS and unicodedata.category(char) != "Cc")


def output_single_line(text) -> str:
    """Stored text for a one-line place in a feed or file (an iCalendar SUMMARY or
    X-WR-CALNAME, an Atom title): line breaks become spaces, other control and bidi
    override characters are dropped.

    The input rules refuse such characters, but text stored before them (or by a path
    that skipped them) must never break a feed nor add a line of its own to it (RFC 5545
    §3.1; XML 1.0 has no place for most control characters).
    """
    text = str(text or "").replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return "".join(char for char in text if _printable(char, "")).strip()


def output_multiline(text) -> str:
    """Stored text for a multi-line place whose writer escapes line breaks (an iCalendar
    DESCRIPTION, an Atom summary): line breaks become "\\n", tabs stay, other control
    and bidi override characters are dropped."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in text if _printable(char, "\t\n"))


def window_constraint(field: str, *, earliest: dt.date = DATE_MIN) -> models.CheckConstraint:
    """A CheckConstraint keeping `field` (a DateField or DateTimeField, NULL allowed) in the
    window, named `<app>_<model>_<field>_in_window`.

    A DateTimeField is compared with JST midnight of the first day and of the day after
    the last, so the bound means the same as `validate_date`.
    """
    lower: dt.date | dt.datetime = earliest
    upper: dt.date | dt.datetime = DATE_MAX
    condition = models.Q(**{f"{field}__gte": lower, f"{field}__lte": upper})
    return models.CheckConstraint(
        condition=condition | models.Q(**{f"{field}__isnull": True}),
        name=f"%(app_label)s_%(class)s_{field}_in_window",
        violation_error_message=window_message(earliest),
    )


def datetime_window_constraint(field: str) -> models.CheckConstraint:
    """`window_constraint` for a DateTimeField: from 00:00 JST of `DATE_MIN` to before
    00:00 JST of the day after `DATE_MAX`."""
    tokyo = dt.timezone(dt.timedelta(hours=9))
    lower = dt.datetime.combine(DATE_MIN, dt.time(), tzinfo=tokyo)
    upper = dt.datetime.combine(DATE_MAX + dt.timedelta(days=1), dt.time(), tzinfo=tokyo)
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": lower, f"{field}__lt": upper})
        | models.Q(**{f"{field}__isnull": True}),
        name=f"%(app_label)s_%(class)s_{field}_in_window",
        violation_error_message=window_message(),
    )


def shift_years(value: dt.date | dt.datetime, years: int):
    """The same calendar day `years` later (29 February becomes 28 February).

    Raises ValidationError(code="date_window") when the result leaves the window, so
    code that copies dates forward (a cohort's next fiscal year) can never overflow.
    """
    year = value.year + years
    if not (DATE_MIN.year <= year <= DATE_MAX.year):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_window",
            params=window_params(),
        )
    try:
        return value.replace(year=year)
    except ValueError:  # 29 February into a common year
        return value.replace(year=year, day=28)


def query_date(value: str | None, default: dt.date) -> tuple[dt.date, bool]:
    """A date from a query string (`YYYY-MM-DD`): `(date, True)` when it parses and lies
    in the window, else `(default, False)` so the page can say it was not understood."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return default, not value
    if not (DATE_MIN <= day <= DATE_MAX):
        return default, False
    return day, True


def query_int(value: str | None, *, maximum: int = INTEGER_MAX) -> int | None:
    """A positive integer id or number from a query string or a raw POST value, or None.

    Only ASCII digits count: '²' passes str.isdigit() but is not a number to us.
    """
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None


def next_url(request, fallback: str) -> str:
    """The `next` address of a POST (or GET) when it is a path on this site, else
    `fallback`. Every view that honours `next` goes through here, so neither an open
    redirect (`https://evil.example/`) nor a script URL (`javascript:`) gets out."""
    from django.utils.http import url_has_allowed_host_and_scheme

    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: `redirect()` would take any other word for a view name.
    if not candidate.startswith("/") or _forbidden_characters(candidate, multiline=False):
        return fallback
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
