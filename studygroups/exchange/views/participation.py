"""During and after a placement: the weekly log, the reports (and their publication, and
the public page of published reports), and booking an on-site day."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.pages import paginate

from .. import permissions
from ..errors import ExchangeError
from ..forms.participation import LogEntryForm, OnSiteDayForm, ReportForm
from ..models import Report
from ..selectors import participation as selectors
from ..services import participation as services
from .applications import visible_application


@login_required
def log_add(request, pk: int):
    """The guest and the mentor of an accepted placement: write a week's note."""
    application = visible_application(request, pk)
    if not permissions.is_participant(request.user, application):
        raise PermissionDenied
    form = LogEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_entry_add(application=application, user=request.user, **form.cleaned_data)
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The week's note was saved."))
            return redirect(application)
    return render(request, "exchange/log_form.html", {"application": application, "form": form})


@login_required
def report_write(request, pk: int):
    """The guest and the mentor of an accepted placement: write or rewrite their report
    (until it is published)."""
    application = visible_application(request, pk)
    if not permissions.is_participant(request.user, application):
        raise PermissionDenied
    current = Report.objects.filter(application=application, author=request.user).first()
    initial = {}
    if current is not None:
        initial = {
            "learned": current.learned,
            "host_takes_home": current.host_takes_home,
            "guest_takes_home": current.guest_takes_home,
        }
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_write(application=application, user=request.user, **form.cleaned_data)
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your report was saved."))
            return redirect(application)
    return render(
        request,
        "exchange/report_form.html",
        {"application": application, "form": form, "report": current},
    )


@login_required
@require_POST
def report_publish(request, pk: int):
    """Admins and coordinators of the host: publish a report on the public page."""
    report = Report.objects.select_related("application__placement__host").filter(pk=pk).first()
    if report is None or not permissions.can_view_application(request.user, report.application):
        raise Http404
    try:
        services.report_publish(report=report, user=request.user)
    except ExchangeError as error:
        return refused(request, error, report.application)
    messages.success(request, _("The report was published."))
    return redirect(report.application)


def published_reports(request):
    """Everyone, signed in or not: the published reports (no names of people, no
    motivations, reasons or weekly notes)."""
    listing = paginate(request, selectors.published_reports(), per_page=20)
    return render(request, "exchange/reports.html", {"listing": listing})


@login_required
def on_site_day(request, pk: int):
    """The guest of an accepted placement with on-site days: book a seat in the host's
    room (through spaces, as themselves)."""
    application = visible_application(request, pk)
    placement = application.placement
    if not (
        application.is_accepted
        and application.applicant_id == request.user.pk
        and placement.has_on_site_days
        and placement.room_id
    ):
        raise PermissionDenied
    form = OnSiteDayForm(request.POST or None, space=placement.room)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.on_site_day_book(
                application=application,
                user=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The on-site day was booked."))
            return redirect(application)
    return render(
        request,
        "exchange/on_site_day.html",
        {"application": application, "placement": placement, "form": form},
    )
