"""Booking pages: the spaces one may book, a space's rules in words, booking, changing,
cancelling, and one's own bookings. Thin: a form parses, a service decides, the page
shows."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.accounts.services import calendar_token_issue
from cocreation.core import inputs
from cocreation.core.errors import add_to_form
from cocreation.core.pages import keyset_paginate, paginate

from .. import permissions, rules
from ..errors import BookingError
from ..forms.bookings import BookingChangeForm, BookingForm, DecideForm, ReasonForm
from ..models import Booking
from ..selectors import bookings as selectors
from ..selectors.availability import space_with_rules
from ..services import bookings as services
from ..services import series as series_services
from ..services.approval import booking_version
from .common import space_context, space_or_404

# Spaces a page of the list shows.
SPACE_PAGE_SIZE = 30


@login_required
def space_list(request):
    """Signed-in users: the spaces they may book or coordinate, a page at a time (a
    coordinator of a region may see a hundred, a site admin every space)."""
    listing = paginate(request, selectors.space_list(request.user), per_page=SPACE_PAGE_SIZE)
    return render(
        request,
        "spaces/space_list.html",
        {"spaces": listing.page.object_list, "page": listing.page, "query": listing.query},
    )


@login_required
def space_detail(request, pk: int):
    """Those who may book or coordinate the space: its rules in plain words."""
    space = space_or_404(request, pk)
    today = timezone.localdate()
    context = space_context(request, space, "overview")
    context.update(
        weekly_hours=rules.weekly_hours_text(space),
        closures=[
            (c, rules.closure_period_text(c, today))
            for c in space.closures.all()
            if c.every_year or c.ends_on >= today
        ],
        period=rules.period_message(space),
        max_length=rules.duration_text(space.max_booking_minutes),
        min_length=rules.duration_text(space.min_booking_minutes),
    )
    return render(request, "spaces/space_detail.html", context)


def _prefill(request) -> dict:
    """The booking form's initial values from ?start=2020-12-18T13:30&end=…&kind=… (links
    of the week view). Anything not understood, or a date outside the portal's window, is
    left out and the page says so."""
    start, end, kind = (request.GET.get(name, "") for name in ("start", "end", "kind"))
    initial: dict = {}
    understood = True
    if start or end:
        try:
            starts = dt.datetime.fromisoformat(start)
            ends = dt.datetime.fromisoformat(end) if end else None
        except ValueError:
            understood = False
        else:
            days = {starts.date(), ends.date() if ends else starts.date()}
            if all(inputs.in_window(day) for day in days):
                initial = {"date": starts.date(), "start_time": starts.strftime("%H:%M")}
                if ends:
                    initial["end_time"] = ends.strftime("%H:%M")
            else:
                understood = False
    if kind in Booking.Kind.values:
        initial["kind"] = kind
    elif kind:
        understood = False
    if not understood:
        messages.warning(
            request,
            _("The booking details in the address could not be understood; choose them below."),
        )
    return initial


@login_required
def booking_create(request, pk: int):
    """Those who may book the space. ?start=2020-12-18T13:30&end=…&kind=… fill the form."""
    space = space_or_404(request, pk)
    if not permissions.can_book(request.user, space):
        raise PermissionDenied
    initial = _prefill(request) if request.method == "GET" else {}
    form = BookingForm(request.POST or None, initial=initial, space=space, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                space=space,
                user=request.user,
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                purpose=form.cleaned_data["purpose"],
                quest=form.cleaned_data.get("quest"),
            )
        except BookingError as error:
            add_to_form(form, error)
        else:
            if booking.status == Booking.Status.PENDING:
                messages.success(
                    request, _("Your booking was received; a coordinator will confirm it.")
                )
            else:
                messages.success(request, _("Your booking is confirmed."))
            return redirect(booking)
    context = space_context(request, space, "book")
    context["form"] = form
    return render(request, "spaces/booking_form.html", context)


def booking_or_404(request, pk: int) -> Booking:
    """The booking with what its page shows; 404 when there is none or the user may not
    see it (its booker and the space's coordinators may)."""
    try:
        booking = selectors.booking_for_page(pk)
    except Booking.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_booking(request.user, booking):
        raise Http404
    return booking


def render_booking(request, booking: Booking, decide_form: DecideForm | None = None):
    """The booking page, with the coordinators' decision form (`decide_form` when it comes
    back with errors)."""
    context = space_context(request, booking.space, "bookings")
    can_cancel = permissions.can_cancel(request.user, booking)
    context.update(
        booking=booking,
        can_change=permissions.can_change_booking(request.user, booking),
        can_cancel=can_cancel,
        cancel_refusal=None if can_cancel else rules.check_cancellation(booking),
        deadline=rules.cancellation_deadline(booking),
        decide_form=decide_form or DecideForm(initial={"version": booking_version(booking)}),
    )
    return render(request, "spaces/booking_detail.html", context)


@login_required
def booking_detail(request, pk: int):
    """The booker and the space's coordinators."""
    return render_booking(request, booking_or_404(request, pk))


def _changed_message(before: Booking, after: Booking) -> str:
    """What the booker reads after a change: confirmed, awaiting approval again (it was
    confirmed before the change), or still awaiting approval."""
    if after.status != Booking.Status.PENDING:
        return _("The booking was changed.")
    if before.status != Booking.Status.PENDING:
        return _(
            "The booking was changed. The changed booking needs a coordinator's approval "
            "again; it is not confirmed until then."
        )
    return _("The booking was changed. It still awaits a coordinator's approval.")


@login_required
def booking_change(request, pk: int):
    """The booker (while the booking is live) and coordinators: move it, change its kind
    or rename it. A change of time or kind that needs approval goes back to the space's
    coordinators (services.bookings.booking_change), and the page says so before and
    after."""
    booking = booking_or_404(request, pk)
    if not permissions.can_change_booking(request.user, booking):
        raise PermissionDenied
    space = space_with_rules(booking.space_id)
    start = timezone.localtime(booking.starts_at)
    end = timezone.localtime(booking.ends_at)
    form = BookingChangeForm(
        request.POST or None,
        initial={
            "kind": booking.kind,
            "date": start.date(),
            "start_time": start.strftime("%H:%M"),
            "end_time": end.strftime("%H:%M"),
            "purpose": booking.purpose,
            "quest": booking.quest_id,
        },
        space=space,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.booking_change(
                booking=booking,
                user=request.user,
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                purpose=form.cleaned_data["purpose"],
            )
        except BookingError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _changed_message(booking, changed))
            return redirect(changed)
    context = space_context(request, space, "bookings")
    context.update(
        form=form,
        booking=booking,
        # Said before saving: in this room a change of time or kind asks again.
        approval_on_change=space.whole_room_needs_approval
        and not permissions.can_coordinate(request.user, space),
    )
    return render(request, "spaces/booking_form.html", context)


@login_required
def booking_cancel(request, pk: int):
    """The booker until the cancellation deadline; coordinators any time before the end.
    ?scope=rest cancels this and every later date of its series."""
    booking = booking_or_404(request, pk)
    scope = request.GET.get("scope") or request.POST.get("scope") or "one"
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if scope == "rest" and booking.series_id:
                count = series_services.series_cancel_from(
                    booking=booking, user=request.user, reason=reason
                )
                messages.success(
                    request, _("%(count)d bookings were cancelled.") % {"count": count}
                )
            else:
                services.booking_cancel(booking=booking, user=request.user, reason=reason)
                messages.success(request, _("The booking was cancelled."))
        except BookingError as error:
            # Refused (over, past the deadline, cancelled meanwhile): the page again with
            # the reason typed and why.
            add_to_form(form, error)
            status = 400
        else:
            return redirect(booking)
    context = space_context(request, booking.space, "bookings")
    context.update(booking=booking, form=form, scope=scope)
    return render(request, "spaces/booking_cancel.html", context, status=status)


@login_required
def my_bookings(request):
    """Signed-in users: their own bookings, upcoming and past, with their calendar feed;
    a page at a time by the list's order (`?after=` / `?before=`, `keyset_paginate`), so
    years of bookings cost what a week does."""
    past = request.GET.get("when") == "past"
    listing = keyset_paginate(
        request,
        selectors.my_bookings(request.user, upcoming=not past),
        order=selectors.PAST_ORDER if past else selectors.UPCOMING_ORDER,
        per_page=20,
    )
    if not listing.understood:
        messages.warning(request, _("Part of the address was not understood and was ignored."))
    feed = request.build_absolute_uri(
        reverse("spaces:ical_mine", args=[calendar_token_issue(user=request.user)])
    )
    return render(
        request,
        "spaces/my_bookings.html",
        {"page": listing.page, "past": past, "feed": feed, "query": "when=past" if past else ""},
    )
