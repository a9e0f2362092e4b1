"""What every space page shares: the space (or 404/403) and the header's context."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cocreation.core import inputs

from .. import permissions
from ..models import Space
from ..selectors.availability import space_with_rules


def space_or_404(request, pk: int) -> Space:
    """The space with its rules loaded; 404 when there is none, 403 when the user may
    neither book nor coordinate it."""
    try:
        space = space_with_rules(pk)
    except Space.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_space(request.user, space):
        raise PermissionDenied
    return space


def space_context(request, space: Space, section: str) -> dict:
    """The space header's context: the space, the tab shown, and what the user may do."""
    return {
        "space": space,
        "section": section,
        "can_book": permissions.can_book(request.user, space),
        "can_coordinate": permissions.can_coordinate(request.user, space),
    }


def in_window(day: dt.date | None) -> dt.date | None:
    """`day` when it lies in the portal's date window, else None (a pager hides the link)."""
    return day if inputs.in_window(day) else None
