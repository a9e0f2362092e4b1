"""Applications: applying, an application's page, and the employer's and host's
decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import add_to_form, refused

from .. import permissions
from ..errors import ExchangeError
from ..forms.applications import ApplicationForm, DecisionForm
from ..models import Application
from ..selectors import participation as selectors
from ..services import applications as services
from .placements import visible_placement


def visible_application(request, pk: int) -> Application:
    """The application `pk` if the user may see it (`permissions.can_view_application`);
    404 otherwise."""
    application = selectors.application_by_pk(pk)
    if application is None or not permissions.can_view_application(request.user, application):
        raise Http404
    return application


@login_required
def apply(request, pk: int):
    """Municipal staff of a network partner of the host, while the placement takes
    applications: apply."""
    placement = visible_placement(request, pk)
    mine = Application.objects.filter(placement=placement, applicant_id=request.user.pk).first()
    if mine is not None:
        messages.info(request, _("You have already applied to this placement."))
        return redirect(mine)
    if not permissions.can_apply(request.user, placement):
        raise PermissionDenied
    form = ApplicationForm(
        request.POST or None,
        employers=permissions.applicable_employers(request.user, placement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                placement=placement, user=request.user, **form.cleaned_data
            )
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("Your application was sent to your municipality for approval.")
            )
            return redirect(application)
    return render(request, "exchange/apply.html", {"placement": placement, "form": form})


@login_required
def application_detail(request, pk: int):
    """The applicant, the mentor, those who manage the host or the employer: the
    application, its decisions, the weekly log, the reports and the on-site days."""
    application = visible_application(request, pk)
    user = request.user
    placement = application.placement
    awaiting = application.status
    return render(
        request,
        "exchange/application_detail.html",
        {
            "application": application,
            "placement": placement,
            "log": selectors.log_of(application),
            "reports": selectors.reports_of(application),
            "days": selectors.on_site_days(application),
            "is_participant": permissions.is_participant(user, application),
            "is_guest": application.is_accepted and application.applicant_id == user.pk,
            "employer_decides": awaiting == Application.Status.AWAITING_EMPLOYER
            and permissions.can_decide_as_employer(user, application),
            "host_decides": awaiting == Application.Status.AWAITING_HOST
            and permissions.can_decide_as_host(user, placement),
            "can_publish": permissions.can_publish_reports(user, placement),
            "decision_form": DecisionForm(),
        },
    )


def _decide(request, pk: int, *, as_employer: bool):
    application = visible_application(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if "decision" in form.errors:
            # No button's value (a stale or altered form): nothing is decided by default.
            return refused(
                request, _("Choose to approve or refuse; nothing was changed."), application
            )
        # The reason broke an input rule: say which, next to its label.
        errors = [
            f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
            for name in form.errors
            for e in form.errors[name]
        ]
        return refused(request, " ".join(errors), application)
    data = form.cleaned_data
    yes = data["decision"] == "approve"
    try:
        if as_employer:
            services.employer_decide(
                application=application, user=request.user, approve=yes, reason=data["reason"]
            )
        else:
            services.host_decide(
                application=application, user=request.user, accept=yes, reason=data["reason"]
            )
    except ExchangeError as error:
        return refused(request, error, application)
    messages.success(request, _("The decision was recorded."))
    return redirect(application)


@login_required
@require_POST
def employer_decide(request, pk: int):
    """Admins and coordinators of the applicant's employer (not the applicant): approve or
    refuse their taking part (a refusal needs a reason)."""
    return _decide(request, pk, as_employer=True)


@login_required
@require_POST
def host_decide(request, pk: int):
    """Admins and coordinators of the host, and the mentor: accept or decline an
    application the employer approved."""
    return _decide(request, pk, as_employer=False)
