"""Booking pages: spaces one may book, booking, changing, cancelling, approving,
weekly series and my bookings. Thin: a form parses, a service decides, the page shows."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.accounts.calendar import calendar_token
from cocreation.core import inputs

from .. import permissions, rules, selectors, services
from ..forms import FIELD_FOR, BookingChangeForm, BookingForm, DecideForm, ReasonForm, SeriesForm
from ..models import Booking, BookingSeries
from . import space_context, space_or_404


def _put_refusals(form, error: services.BookingError) -> None:
    for refusal in error.refusals:
        name = FIELD_FOR.get(refusal.field or "")
        form.add_error(name if name in form.fields else None, refusal.message)


@login_required
def space_list(request):
    """Signed-in users: the spaces they may book or coordinate."""
    spaces = permissions.visible_spaces(request.user)
    return render(
        request,
        "spaces/space_list.html",
        {"spaces": spaces, "counts": selectors.booking_counts(spaces)},
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
        except services.BookingError as error:
            _put_refusals(form, error)
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


def _booking_or_404(request, pk: int) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related("space__host", "user", "quest", "series"), pk=pk
    )
    if not permissions.can_view_booking(request.user, booking):
        raise Http404
    return booking


def _render_detail(request, booking: Booking, decide_form: DecideForm | None = None):
    context = space_context(request, booking.space, "bookings")
    can_cancel = permissions.can_cancel(request.user, booking)
    context.update(
        booking=booking,
        can_change=permissions.can_change_booking(request.user, booking),
        can_cancel=can_cancel,
        cancel_refusal=None if can_cancel else rules.check_cancellation(booking),
        deadline=rules.cancellation_deadline(booking),
        decide_form=decide_form
        or DecideForm(initial={"version": services.booking_version(booking)}),
    )
    return render(request, "spaces/booking_detail.html", context)


@login_required
def booking_detail(request, pk: int):
    """The booker and the space's coordinators."""
    return _render_detail(request, _booking_or_404(request, pk))


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
    coordinators (services.booking_change), and the page says so before and after."""
    booking = _booking_or_404(request, pk)
    if not permissions.can_change_booking(request.user, booking):
        raise PermissionDenied
    space = selectors.space_with_rules(booking.space_id)
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
        except services.BookingError as error:
            _put_refusals(form, error)
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
    booking = _booking_or_404(request, pk)
    scope = request.GET.get("scope") or request.POST.get("scope") or "one"
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if scope == "rest" and booking.series_id:
                count = services.series_cancel_from(
                    booking=booking, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("%(count)d bookings were cancelled.") % {"count": count}
                )
            else:
                services.booking_cancel(
                    booking=booking, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The booking was cancelled."))
        except services.BookingError as error:
            # Refused (over, past the deadline, cancelled meanwhile): the page again with
            # the reason typed and why.
            _put_refusals(form, error)
            status = 400
        else:
            return redirect(booking)
    context = space_context(request, booking.space, "bookings")
    context.update(booking=booking, form=form, scope=scope)
    return render(request, "spaces/booking_cancel.html", context, status=status)


@login_required
@require_POST
def booking_decide(request, pk: int):
    """The space's coordinators: approve or decline a pending whole-room booking. Goes
    back to `next` when it is an address of this site (the pending list), else to the
    booking; a refused decision shows the booking page with the reason kept."""
    booking = _booking_or_404(request, pk)
    if not permissions.can_coordinate(request.user, booking.space):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.booking_decide(
                booking=booking,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except services.BookingError as error:
            if error.refusals[0].field != "reason":
                # Decided meanwhile, or not theirs to decide: the booking page says why.
                messages.error(request, error.refusals[0].message)
                return redirect(booking)
            _put_refusals(form, error)
        else:
            messages.success(request, _("The decision was recorded and the booker notified."))
            return redirect(inputs.next_url(request, booking.get_absolute_url()))
    return _render_detail(request, booking, form)


@login_required
def pending(request):
    """Coordinators: whole-room bookings waiting for their approval."""
    spaces = [s for s in permissions.visible_spaces(request.user)
              if permissions.can_coordinate(request.user, s)]  # fmt: skip
    if not spaces:
        raise PermissionDenied
    bookings = list(selectors.pending_for(spaces))
    for booking in bookings:
        # The approve button approves this version only (a later change is refused).
        booking.version = services.booking_version(booking)
    return render(request, "spaces/pending.html", {"bookings": bookings})


@login_required
def my_bookings(request):
    """Signed-in users: their own bookings, upcoming and past, with their calendar feed."""
    past = request.GET.get("when") == "past"
    page = Paginator(selectors.my_bookings(request.user, upcoming=not past), 20).get_page(
        request.GET.get("page")
    )
    feed = request.build_absolute_uri(
        reverse("spaces:ical_mine", args=[calendar_token(request.user)])
    )
    return render(
        request,
        "spaces/my_bookings.html",
        {"page": page, "past": past, "feed": feed, "query": "when=past" if past else ""},
    )


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
        except services.BookingError as error:
            _put_refusals(form, error)
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
    series = get_object_or_404(BookingSeries.objects.select_related("space"), pk=pk)
    if series.user_id != request.user.pk and not permissions.can_coordinate(
        request.user, series.space
    ):
        raise Http404
    created = list(series.bookings.order_by("starts_at"))
    skipped = [
        SkippedDate(dt.date.fromisoformat(day), reason)
        for day, reason in request.session.get(_skipped_key(series), [])
    ]
    context = space_context(request, series.space, "book")
    context.update(created=created, skipped=skipped, series=series)
    return render(request, "spaces/series_result.html", context)


class SkippedDate:
    """A date of a series that was not booked, as the result page lists it."""

    def __init__(self, day: dt.date, reason: str):
        self.day, self.reason = day, reason
