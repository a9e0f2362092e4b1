"""Availability pages: a week of slots and a month of open days, for those who may book."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.core import inputs

from .. import permissions
from ..selectors.availability import month, week
from .common import in_window, space_context, space_or_404


@login_required
def space_week(request, pk: int):
    """Those who may book: a week of slots, free ones one click from the booking form.
    ?date=YYYY-MM-DD picks the week; a date not understood or outside the portal's window
    shows this week and says so."""
    space = space_or_404(request, pk)
    day, understood = inputs.query_date(request.GET.get("date"), timezone.localdate())
    if not understood:
        messages.warning(
            request,
            _(
                "The requested week cannot be shown (dates from %(first)s to %(last)s only); "
                "this is the current week."
            )
            % inputs.window_params(),
        )
    monday = day - dt.timedelta(days=day.weekday())
    context = space_context(request, space, "week")
    context.update(week(space, monday))
    # The pager stops at the window: its links never lead to a refused week.
    previous = context["previous"]
    context["previous"] = previous if in_window(previous + dt.timedelta(days=6)) else None
    context["next"] = in_window(context["next"])
    context["see_whole_room_names"] = permissions.can_see_whole_room_names(request.user, space)
    context["see_seat_names"] = permissions.can_see_seat_names(request.user, space)
    return render(request, "spaces/space_week.html", context)


@login_required
def space_month(request, pk: int):
    """Those who may book: a month with open days, closures and booking counts.
    ?month=YYYY-MM picks it; a month not understood or outside the window shows this month
    and says so."""
    space = space_or_404(request, pk)
    this_month = timezone.localdate().replace(day=1)
    value = request.GET.get("month")
    first, understood = inputs.query_date(f"{value}-01" if value else None, this_month)
    if not understood:
        messages.warning(
            request,
            _(
                "The requested month cannot be shown (dates from %(first)s to %(last)s only); "
                "this is the current month."
            )
            % inputs.window_params(),
        )
    first = first.replace(day=1)
    context = space_context(request, space, "month")
    context.update(month(space, first))
    context["previous"] = in_window(context["previous"])
    context["next"] = in_window(context["next"])
    return render(request, "spaces/space_month.html", context)
