"""Coordinators' approval pages: the requests waiting for them, and a decision on one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core import inputs
from cocreation.core.errors import add_to_form, refused
from cocreation.core.pages import keyset_paginate

from .. import permissions
from ..errors import BookingError
from ..forms.bookings import DecideForm
from ..selectors.approval import PENDING_ORDER, pending_for
from ..services.approval import booking_decide as decide
from ..services.approval import booking_version
from .bookings import booking_or_404, render_booking


@login_required
@require_POST
def booking_decide(request, pk: int):
    """The space's coordinators: approve or decline a pending whole-room booking. Goes
    back to `next` when it is an address of this site (the pending list), else to the
    booking; a refused decision shows the booking page with the reason kept."""
    booking = booking_or_404(request, pk)
    if not permissions.can_coordinate(request.user, booking.space):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            decide(
                booking=booking,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except BookingError as error:
            if error.field != "reason":
                # Decided meanwhile, or not theirs to decide: the booking page says why.
                return refused(request, error, booking)
            add_to_form(form, error)
        else:
            messages.success(request, _("The decision was recorded and the booker notified."))
            return redirect(inputs.next_url(request, booking.get_absolute_url()))
    return render_booking(request, booking, form)


# Requests shown a page at a time: a coordinator of a hundred spaces may have many.
PENDING_PAGE_SIZE = 30


@login_required
def pending(request):
    """Coordinators: whole-room bookings waiting for their approval, a page at a time by
    time order (`?after=` / `?before=`, `keyset_paginate`)."""
    bookings = pending_for(request.user)
    if bookings is None:
        raise PermissionDenied
    listing = keyset_paginate(request, bookings, order=PENDING_ORDER, per_page=PENDING_PAGE_SIZE)
    if not listing.understood:
        messages.warning(request, _("Part of the address was not understood and was ignored."))
    for booking in listing.page.object_list:
        # The approve button approves this version only (a later change is refused).
        booking.version = booking_version(booking)
    return render(
        request,
        "spaces/pending.html",
        {"bookings": listing.page.object_list, "page": listing.page, "query": listing.query},
    )
