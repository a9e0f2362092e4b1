"""The coordinators' reports: occupancy by weekday and hour, and the bookings as CSV."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.core import inputs
from cocreation.core.dates import end_clock, jdate
from cocreation.core.exports import csv_response

from .. import permissions
from ..selectors.reports import bookings_for_export
from ..selectors.reports import occupancy as occupancy_of
from .common import space_context, space_or_404

# The longest period one report covers: two years, so a request over a century is cut by
# arithmetic instead of walking 36,000 days.
MAX_REPORT_DAYS = 731


def _period(request) -> tuple[dt.date, dt.date, list[str]]:
    """The report period from ?from=&to= (default: the last 90 days), and what was not
    taken as asked: a date not understood or outside the window falls back to its default,
    a period longer than MAX_REPORT_DAYS is shortened."""
    today = timezone.localdate()
    first, first_ok = inputs.query_date(request.GET.get("from"), today - dt.timedelta(days=90))
    last, last_ok = inputs.query_date(request.GET.get("to"), today)
    notes = []
    if not (first_ok and last_ok):
        notes.append(
            _(
                "A date of the period could not be understood (dates from %(first)s to "
                "%(last)s only); the default date was used instead."
            )
            % inputs.window_params()
        )
    if last < first:
        first, last = last, first
    if (last - first).days > MAX_REPORT_DAYS:
        last = first + dt.timedelta(days=MAX_REPORT_DAYS)
        notes.append(
            _("A report covers at most %(days)d days; the period now ends on %(last)s.")
            % {"days": MAX_REPORT_DAYS, "last": jdate(last)}
        )
    return first, last, notes


@login_required
def occupancy(request, pk: int):
    """The space's coordinators: occupancy by weekday and hour, and the bookings as CSV."""
    space = space_or_404(request, pk)
    if not permissions.can_coordinate(request.user, space):
        raise PermissionDenied
    first, last, notes = _period(request)
    for note in notes:
        messages.warning(request, note)
    context = space_context(request, space, "report")
    data = occupancy_of(space, first, last)
    context.update(
        first=first,
        last=last,
        hours=data["hours"],
        grid=[
            (label, [(hour, data["rate"][(weekday, hour)]) for hour in data["hours"]])
            for weekday, label in enumerate(
                [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
            )
        ],
        query=f"from={first.isoformat()}&to={last.isoformat()}",
    )
    return render(request, "spaces/occupancy.html", context)


@login_required
def bookings_csv(request, pk: int):
    """The space's coordinators: every booking in the period, for reporting (Excel-ready),
    streamed: memory stays bounded however many bookings the period holds."""
    space = space_or_404(request, pk)
    if not permissions.can_coordinate(request.user, space):
        raise PermissionDenied
    first, last, notes = _period(request)
    if notes:
        # The report page says what was not understood and offers the right download.
        query = request.GET.urlencode()
        report = reverse("spaces:occupancy", args=[space.pk])
        return redirect(f"{report}?{query}" if query else report)
    header = [
        _("Date"),
        _("From"),
        _("Until"),
        _("Kind"),
        _("Status"),
        _("Booked by"),
        _("Email address"),
        _("Purpose"),
        _("Quest"),
    ]
    return csv_response(
        f"bookings-{space.pk}-{first.isoformat()}-{last.isoformat()}.csv",
        header,
        _booking_cells(bookings_for_export(space, first, last)),
    )


def _booking_cells(bookings):
    for booking in bookings:
        start = timezone.localtime(booking.starts_at)
        yield [
            start.date().isoformat(),
            f"{start:%H:%M}",
            end_clock(booking.ends_at),
            booking.get_kind_display(),
            booking.get_status_display(),
            booking.user.display_name,
            booking.user.email,
            booking.purpose,
            booking.quest.title if booking.quest else "",
        ]
