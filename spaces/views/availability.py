"""Availability pages (week, month), iCalendar feeds, the coordinators' rules editor,
occupancy chart and CSV."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cocreation.accounts.calendar import reset_calendar_token, user_for_token
from cocreation.core import inputs
from cocreation.exports import csv_response
from cocreation.templatetags.portal import jdate

from .. import ical, permissions, rules, selectors, services
from ..forms import (
    AffectedBookingsForm,
    ClosureFormSet,
    OpeningHoursFormSet,
    SpaceRulesForm,
    proposed_rules,
)
from ..models import Booking, Space
from . import in_window, space_context, space_or_404


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
            _("The requested week cannot be shown (dates from %(first)s to %(last)s only); "
              "this is the current week.") % inputs.window_params(),
        )  # fmt: skip
    monday = day - dt.timedelta(days=day.weekday())
    context = space_context(request, space, "week")
    context.update(selectors.week(space, monday))
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
            _("The requested month cannot be shown (dates from %(first)s to %(last)s only); "
              "this is the current month.") % inputs.window_params(),
        )  # fmt: skip
    first = first.replace(day=1)
    context = space_context(request, space, "month")
    context.update(selectors.month(space, first))
    context["previous"] = in_window(context["previous"])
    context["next"] = in_window(context["next"])
    return render(request, "spaces/space_month.html", context)


@login_required
@require_POST
def calendar_reset(request):
    """Signed-in users: a new secret feed address; the old one stops working."""
    reset_calendar_token(request.user)
    messages.success(request, _("Your calendar address was changed; update your calendar app."))
    return redirect("spaces:mine")


def ical_mine(request, token: str):
    """Anyone holding the user's secret address (a calendar app): their live bookings."""
    user = user_for_token(token)
    if user is None:
        raise Http404
    bookings = (
        Booking.objects.filter(user=user, status__in=Booking.LIVE_STATUSES)
        .select_related("space")
        .order_by("starts_at")
    )
    return ical.response(
        ical.calendar(_("My bookings"), bookings, request, show_names=True, viewer=user),
        "bookings.ics",
    )


def ical_space(request, token: str, pk: int):
    """Anyone holding the secret address of a user who may book the space."""
    user = user_for_token(token)
    space = get_object_or_404(Space.objects.select_related("host"), pk=pk)
    if user is None or not permissions.can_view_space(user, space):
        raise Http404
    bookings = (
        Booking.objects.filter(space=space, status__in=Booking.LIVE_STATUSES)
        .select_related("space", "user")
        .order_by("starts_at")
    )
    return ical.response(
        ical.calendar(
            space.name,
            bookings,
            request,
            show_names=permissions.can_see_seat_names(user, space),
            viewer=user,
        ),
        f"space-{space.pk}.ics",
    )


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
            _("A date of the period could not be understood (dates from %(first)s to "
              "%(last)s only); the default date was used instead.") % inputs.window_params()
        )  # fmt: skip
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
def space_rules(request, pk: int):
    """The space's coordinators: opening hours, closed days and booking rules.

    A change that leaves live bookings outside the rules (a closure over them, shorter
    hours, a closed weekday, a shorter period) is not saved at once: the page comes back
    with the bookings listed and asks whether to cancel them (each booker told why) or
    keep them (shown as exceptions in the week view). The answer is posted with the rules
    themselves, with the digest of the list shown; a list changed meanwhile is shown and
    asked again (`services.space_rules_change`)."""
    space = space_or_404(request, pk)
    if not permissions.can_coordinate(request.user, space):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = SpaceRulesForm(data, request.FILES or None, instance=space)
    hours = OpeningHoursFormSet(data, instance=space, prefix="hours")
    closures = ClosureFormSet(data, instance=space, prefix="closures")
    decision = AffectedBookingsForm(data, prefix="affected")
    context = space_context(request, space, "rules")
    # Every part validated, so that each shows its own errors.
    posted = data is not None
    valid = [part.is_valid() for part in (form, hours, closures, decision)] if posted else []
    if posted and all(valid[:3]):
        proposed = proposed_rules(form, hours, closures)
        change = None
        if valid[3]:
            try:
                change = services.space_rules_change(
                    space=space, user=request.user, proposed=proposed,
                    write=lambda: _write_rules(form, hours, closures),
                    confirmed=decision.cleaned_data["signature"], keep=decision.keep(),
                    note=decision.cleaned_data["note"],
                )  # fmt: skip
            except services.BookingError as error:
                for refusal in error.refusals:
                    field = refusal.field if refusal.field in decision.fields else None
                    decision.add_error(field, refusal.message)
        if change is not None and change.saved:
            messages.success(request, _saved_message(change))
            return redirect("spaces:detail", space.pk)
        if change is None:
            # Refused before it was weighed (a tampered or missing answer): the list again.
            # The form has put the new values on `space`: the saved rules are read again.
            current = selectors.space_with_rules(space.pk)
            affected = services.rules_affected_bookings(space=current, proposed=proposed)
            change = services.RulesChange(affected, rules.affected_signature(affected))
        context.update(
            affected=change.affected,
            affected_signature=change.signature,
            affected_changed=change.changed,
            affected_title=ngettext(
                "This change puts %(count)d live booking outside the opening rules "
                "(closed days or hours).",
                "This change puts %(count)d live bookings outside the opening rules "
                "(closed days or hours).",
                len(change.affected),
            ) % {"count": len(change.affected)},
            photo_dropped=bool(form.files.get(form.add_prefix("photo"))),
        )  # fmt: skip
    context.update(form=form, hours=hours, closures=closures, decision=decision)
    return render(request, "spaces/space_rules.html", context)


def _write_rules(form, hours, closures) -> None:
    form.save()
    hours.save()
    closures.save()


def _saved_message(change: services.RulesChange) -> str:
    if change.cancelled:
        return ngettext(
            "The rules were saved. %(count)d booking was cancelled and its booker told why.",
            "The rules were saved. %(count)d bookings were cancelled and their bookers told why.",
            change.cancelled,
        ) % {"count": change.cancelled}
    if change.kept:
        return ngettext(
            "The rules were saved. %(count)d booking outside them is kept and shown in the "
            "week view as an exception.",
            "The rules were saved. %(count)d bookings outside them are kept and shown in the "
            "week view as exceptions.",
            change.kept,
        ) % {"count": change.kept}
    return _("The rules were saved. No live booking falls outside them because of this change.")


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
    data = selectors.occupancy(space, first, last)
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
    """The space's coordinators: every booking in the period, for reporting (Excel-ready)."""
    space = space_or_404(request, pk)
    if not permissions.can_coordinate(request.user, space):
        raise PermissionDenied
    first, last, notes = _period(request)
    if notes:
        # The report page says what was not understood and offers the right download.
        query = request.GET.urlencode()
        report = reverse("spaces:occupancy", args=[space.pk])
        return redirect(f"{report}?{query}" if query else report)
    header = [_("Date"), _("From"), _("Until"), _("Kind"), _("Status"), _("Booked by"),
              _("Email address"), _("Purpose"), _("Quest")]  # fmt: skip
    rows = []
    for booking in selectors.bookings_in_period(space, first, last):
        start = timezone.localtime(booking.starts_at)
        end = timezone.localtime(booking.ends_at)
        rows.append(
            [start.date().isoformat(), f"{start:%H:%M}", rules.end_clock(end),
             booking.get_kind_display(), booking.get_status_display(),
             booking.user.display_name, booking.user.email, booking.purpose,
             booking.quest.title if booking.quest else ""]
        )  # fmt: skip
    return csv_response(
        f"bookings-{space.pk}-{first.isoformat()}-{last.isoformat()}.csv", header, rows
    )
