"""Space pages: bookings (bookings.py) and availability, feeds and reports
(availability.py). The helpers here are shared by both."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cocreation.core import inputs

from .. import permissions, selectors
from ..models import Space


def space_or_404(request, pk: int) -> Space:
    try:
        space = selectors.space_with_rules(pk)
    except Space.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_space(request.user, space):
        raise PermissionDenied
    return space


def space_context(request, space: Space, section: str) -> dict:
    return {
        "space": space,
        "section": section,
        "can_book": permissions.can_book(request.user, space),
        "can_coordinate": permissions.can_coordinate(request.user, space),
    }


def in_window(day: dt.date | None) -> dt.date | None:
    """`day` when it lies in the portal's date window, else None (a pager hides the link)."""
    return day if inputs.in_window(day) else None
