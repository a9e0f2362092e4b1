"""Pages of a list: the one reading of `?page=` for every list of the portal
(`paginate`), and of `?after=` / `?before=` for the lists that grow without bound
(`keyset_paginate`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

from .inputs import BIGINT_MAX, DATE_MAX, DATE_MIN, INTEGER_MAX, query_int


@dataclass(frozen=True)
class Listing:
    """One page of a list. `page`: Django's Page; `query`: the request's query string
    without `page` (for the links to other pages); `understood`: False when `?page=` was
    given but is not a page number (ASCII digits), in which case the first page is shown
    and the view tells the person so."""

    page: Page
    query: str
    understood: bool


# How far the big lists (quests, the directory) count and page: the first 1,000 rows
# (50 pages of quests), found with a bounded count whatever the size of the data.
LIST_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator that counts no further than `cap` rows: `count` is at most `cap`, and
    `capped` says there are more. Counting every one of 10,000 matching quests reads
    every row the page does not show; counting up to 1,000 reads 1,000 at most (a
    `COUNT(*)` over a `LIMIT` subquery), and the pages stop there, as search engines'
    "about 1,000 results" do. The person narrows the search to see the others."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _found(self) -> int:
        items = self.object_list
        if not isinstance(items, QuerySet):
            return len(items)
        # Any cap + 1 rows tell whether there are more: unordered, PostgreSQL stops at the
        # first ones it finds instead of sorting every match (14 ms → 1 ms for the directory).
        return items.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        """True when more rows match than the pages reach."""
        return self._found > self.cap


def paginate(request, items, *, per_page: int, count_cap: int | None = None) -> Listing:
    """Page `?page=` of `items` (a queryset or list), `per_page` rows a page. A number past
    the end gives the last page; anything that is not a number gives the first page with
    `understood` False. With `count_cap` (rows), the pages reach only the first
    `count_cap` rows and `page.paginator.capped` says whether more match
    (`CappedPaginator`). Never raises."""
    raw = request.GET.get("page")
    number = query_int(raw)
    if count_cap is None:
        paginator = Paginator(items, per_page)
    else:
        paginator = CappedPaginator(items, per_page, cap=count_cap)
    page = paginator.get_page(number or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return Listing(page=page, query=query.urlencode(), understood=not raw or number is not None)


# --- Keyset pagination -------------------------------------------------------------------
#
# `?page=N` makes PostgreSQL read and throw away N × per_page rows, and the Paginator
# counts every row of the list besides: both grow with the list. Lists that grow without
# bound (a person's notifications, bookings, a coordinator's pending requests across 100
# spaces) are paged by their order key instead ("keyset" or "seek" pagination): the next
# page is the rows whose key comes after the last row shown, which an index on the
# list's filter and order finds directly, one query a page however deep.
#
# django-cursor-pagination (0.3.0, 2024) was considered: it sends cursor values to
# PostgreSQL as text, so a hostile cursor for a datetime column is a database error
# (a 500), and it writes the comparison as OR-ed conditions with IS NULL alternatives,
# which give no index range to start from. django-keyset-pagination has had no release
# since 2020. The few lines below take only keys the portal can check.

AFTER, BEFORE = "after", "before"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# Datetimes in a cursor: microseconds since 1970 (UTC), within the portal's date window
# (a day either side, for time zones).
_FIRST_MICROSECOND = (
    dt.datetime.combine(DATE_MIN - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) - _EPOCH
) // _MICROSECOND
_LAST_MICROSECOND = (
    dt.datetime.combine(DATE_MAX + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC) - _EPOCH
) // _MICROSECOND


@dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset-paged list, read like Django's Page by the templates:
    `object_list` (the rows), `has_next`, `has_previous`, `has_other_pages`; and the
    cursors for the links: `next_cursor` (the last row's key, for `?after=`),
    `previous_cursor` (the first row's key, for `?before=`); `is_first` when the page
    starts the list (no link back to the start is needed)."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


@dataclass(frozen=True)
class KeysetListing:
    """A keyset page with what its links need: `query`, the request's query string
    without the cursor (`after`, `before`) and without a leftover `page`; `understood`
    False when a cursor was given but not taken (the first page is shown instead and the
    view tells the person so)."""

    page: KeysetPage
    query: str
    understood: bool


@dataclass(frozen=True)
class _Key:
    name: str  # attribute name on the row (attname)
    lookup: str  # field name for filters
    is_datetime: bool
    maximum: int


def _keys(model, order: tuple[str, ...]) -> tuple[list[_Key], bool]:
    """The order's fields of `model`, and whether the order is descending. Every field
    sorts the same way and is a datetime or an integer column (NOT NULL) of the model; the
    last must make the order unique (the primary key). Raises ValueError otherwise (a
    programming error, found by the list's tests)."""
    descending = {name.startswith("-") for name in order}
    if len(descending) != 1:
        raise ValueError(f"keyset order must run one way: {order}")
    keys = []
    for name in order:
        field = (
            model._meta.pk if name.lstrip("-") == "pk" else model._meta.get_field(name.lstrip("-"))
        )
        if field.null:
            raise ValueError(f"keyset order on {name}: the column may be NULL")
        if isinstance(field, models.DateTimeField):
            keys.append(_Key(field.attname, field.name, True, _LAST_MICROSECOND))
        elif isinstance(field, models.BigAutoField | models.BigIntegerField):
            keys.append(_Key(field.attname, field.name, False, BIGINT_MAX))
        elif isinstance(field, models.AutoField | models.IntegerField):
            keys.append(_Key(field.attname, field.name, False, INTEGER_MAX))
        else:
            raise ValueError(f"keyset order on {name}: only datetime and integer columns")
    if not keys[-1].name == model._meta.pk.attname:
        raise ValueError(f"keyset order must end with the primary key: {order}")
    return keys, descending.pop()


def _encode(keys: list[_Key], row) -> str:
    parts = []
    for key in keys:
        value = getattr(row, key.name)
        parts.append(str((value - _EPOCH) // _MICROSECOND if key.is_datetime else value))
    return "_".join(parts)


def _decode(keys: list[_Key], cursor: str) -> list | None:
    """The key values of `cursor`, or None when it is not a cursor of this list: parts
    of ASCII digits only (`query_int`), one per key, datetimes inside the date window."""
    parts = cursor.split("_")
    if len(parts) != len(keys):
        return None
    values = []
    for key, part in zip(keys, parts, strict=True):
        number = query_int(part, maximum=key.maximum)
        if number is None:
            return None
        if key.is_datetime:
            if number < _FIRST_MICROSECOND:
                return None
            values.append(_EPOCH + number * _MICROSECOND)
        else:
            values.append(number)
    return values


def _beyond(keys: list[_Key], values: list, *, later: bool) -> Q:
    """Rows whose key is after (`later`) or before `values`, comparing key by key. The
    first key's `>=` (`<=`) stands alone too, so PostgreSQL starts an index range there
    instead of filtering the list from its start."""
    strict, loose = ("gt", "gte") if later else ("lt", "lte")
    condition = Q()
    equal: dict = {}
    for key, value in zip(keys, values, strict=True):
        condition |= Q(**equal, **{f"{key.lookup}__{strict}": value})
        equal[key.lookup] = value
    return Q(**{f"{keys[0].lookup}__{loose}": values[0]}) & condition


def keyset_paginate(request, queryset, *, order: tuple[str, ...], per_page: int) -> KeysetListing:
    """A page of `queryset` in `order` (e.g. `("-created_at", "-id")`: datetime or
    integer fields of the model, one direction, ending with the primary key), `per_page`
    rows, from the request's cursor: `?after=<key>` the rows after that key, `?before=`
    the rows before it; neither, the start of the list. A cursor is the order key of a
    row written as digits (datetimes as microseconds since 1970, UTC) joined by `_`;
    anything else (`?after=abc`, both cursors, a number past the column's range, a date
    outside the window, a leftover `?page=`) shows the start with `understood` False.
    One query a page; two when `before` reaches the start or `after` finds nothing (rows
    removed meanwhile), and then the start is shown, a full page. Never raises for any
    request."""
    keys, descending = _keys(queryset.model, order)
    forward = tuple(order)
    backward = tuple(name[1:] if name.startswith("-") else "-" + name for name in order)
    params = request.GET
    after, before = params.get(AFTER), params.get(BEFORE)
    understood = "page" not in params and not (AFTER in params and BEFORE in params)
    query = params.copy()
    for name in (AFTER, BEFORE, "page"):
        query.pop(name, None)
    cursor = before if before is not None else after
    values = _decode(keys, cursor) if cursor is not None and understood else None
    if cursor is not None and values is None:
        understood = False

    def first_page() -> KeysetPage:
        rows = list(queryset.order_by(*forward)[: per_page + 1])
        shown = rows[:per_page]
        return KeysetPage(
            object_list=shown,
            next_cursor=_encode(keys, shown[-1]) if len(rows) > per_page else None,
            previous_cursor=None,
            is_first=True,
        )

    if values is None:
        page = first_page()
    elif before is not None:
        rows = list(
            queryset.filter(_beyond(keys, values, later=descending)).order_by(*backward)[
                : per_page + 1
            ]
        )
        if len(rows) <= per_page:
            page = first_page()  # the start is reached: show it whole
        else:
            shown = rows[:per_page][::-1]
            page = KeysetPage(
                object_list=shown,
                next_cursor=_encode(keys, shown[-1]),
                previous_cursor=_encode(keys, shown[0]),
                is_first=False,
            )
    else:
        rows = list(
            queryset.filter(_beyond(keys, values, later=not descending)).order_by(*forward)[
                : per_page + 1
            ]
        )
        shown = rows[:per_page]
        if not shown:
            page = first_page()  # nothing after the cursor (rows gone meanwhile): the start
        else:
            page = KeysetPage(
                object_list=shown,
                next_cursor=_encode(keys, shown[-1]) if len(rows) > per_page else None,
                # Rows came before the cursor (if they are gone, the link shows the start).
                previous_cursor=_encode(keys, shown[0]),
                is_first=False,
            )
    return KeysetListing(page=page, query=query.urlencode(), understood=understood)
