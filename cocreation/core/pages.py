"""Pages of a list: the one reading of `?page=` for every list of the portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from .inputs import query_int


@dataclass(frozen=True)
class Listing:
    """One page of a list. `page`: Django's Page; `query`: the request's query string
    without `page` (for the links to other pages); `understood`: False when `?page=` was
    given but is not a page number (ASCII digits), in which case the first page is shown
    and the view tells the person so."""

    page: Page
    query: str
    understood: bool


def paginate(request, items, *, per_page: int) -> Listing:
    """Page `?page=` of `items` (a queryset or list), `per_page` rows a page. A number past
    the end gives the last page; anything that is not a number gives the first page with
    `understood` False. Never raises."""
    raw = request.GET.get("page")
    number = query_int(raw)
    page = Paginator(items, per_page).get_page(number or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return Listing(page=page, query=query.urlencode(), understood=not raw or number is not None)
