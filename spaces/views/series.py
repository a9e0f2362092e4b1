"""Weekly series pages: previewed date by date, confirmed, and the result."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from cocreation.core.errors import add_to_form

from .. import permissions
from ..errors import BookingError
from ..forms.bookings import SeriesForm
from ..models import BookingSeries
from ..selectors.bookings import series_bookings, series_with_space
from ..services import series as services
from .common import space_context, space_or_404


@login_required
def series_create(request, pk: int):
    """Those who may book: a weekly series, previewed date by date before it is confirmed."""
    space = space_or_404(request, pk)
    if not permissions.can_book(request.user, space):
        raise PermissionDenied
    form = SeriesForm(request.POST or None, space=space, user=request.user)
    context = space_context(request, space, "book")
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        arguments = {
            "space": space,
            "user": request.user,
            "kind": data["kind"],
            "first_date": data["first_date"],
            "last_date": data["last_date"],
            "start_time": data["start"],
            "end_time": data["end"],
        }
        try:
            if "confirm" in request.POST:
                series, created, skipped = services.series_confirm(
                    **arguments, purpose=data["purpose"], quest=data.get("quest")
                )
                if series is not None:
                    # POST/redirect/GET; the result page reads the dates not booked here.
                    request.session[_skipped_key(series)] = [
                        [o.day.isoformat(), o.reason] for o in skipped
                    ]
                    return redirect("spaces:series_result", series.pk)
                context.update(created=created, skipped=skipped, series=None)
                return render(request, "spaces/series_result.html", context)
            occurrences = services.series_preview(**arguments)
        except BookingError as error:
            add_to_form(form, error)
        else:
            context.update(occurrences=occurrences, free_count=sum(o.is_free for o in occurrences))
            return render(request, "spaces/series_preview.html", context)
    return render(request, "spaces/series_form.html", context)


def _skipped_key(series: BookingSeries) -> str:
    return f"spaces.series_skipped.{series.pk}"


@login_required
def series_result(request, pk: int):
    """The booker of a weekly series (and the space's coordinators): the dates booked, and
    the dates not booked with the reason (kept in the booker's session)."""
    try:
        series = series_with_space(pk)
    except BookingSeries.DoesNotExist:
        raise Http404 from None
    if series.user_id != request.user.pk and not permissions.can_coordinate(
        request.user, series.space
    ):
        raise Http404
    skipped = [
        SkippedDate(dt.date.fromisoformat(day), reason)
        for day, reason in request.session.get(_skipped_key(series), [])
    ]
    context = space_context(request, series.space, "book")
    context.update(created=series_bookings(series), skipped=skipped, series=series)
    return render(request, "spaces/series_result.html", context)


class SkippedDate:
    """A date of a series that was not booked, as the result page lists it."""

    def __init__(self, day: dt.date, reason: str):
        self.day, self.reason = day, reason
