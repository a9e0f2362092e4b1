"""Recruitment: applying to a cohort, and the coordinators' decisions on applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation import permissions as roles
from cocreation.core.errors import add_to_form, refused

from .. import permissions
from ..errors import StudyError
from ..forms.recruitment import ApplicationDecisionForm, ApplicationForm
from ..selectors import recruitment as selectors
from ..services import recruitment as services
from .common import (
    MEMBER_NOT_FOUND,
    cohort_context,
    coordinated_cohort,
    posted_member,
    visible_cohort,
)


@login_required
def apply(request, pk: int):
    """Municipal staff of a participating organisation, while recruitment is open."""
    cohort = visible_cohort(request, pk)
    if not permissions.can_apply(request.user, cohort):
        raise PermissionDenied
    form = ApplicationForm(
        request.POST or None,
        cohort=cohort,
        municipalities=roles.municipalities_of(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.application_create(
                cohort=cohort,
                user=request.user,
                organisation=data["organisation"],
                birth_date=data["birth_date"],
                preferred_fields=data["preferred_fields"],
                motivation=data["motivation"],
                department=data["department"],
                position=data["position"],
            )
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your application was sent to the coordinators."))
            return redirect(cohort)
    context = cohort_context(request, cohort, "apply")
    context["form"] = form
    return render(request, "studygroups/apply.html", context)


@login_required
def applications(request, pk: int):
    """The cohort's coordinators: the applications, to accept or decline."""
    cohort = coordinated_cohort(request, pk)
    context = cohort_context(request, cohort, "members")
    context["applicants"] = selectors.applications_of(cohort)
    return render(request, "studygroups/applications.html", context)


@login_required
@require_POST
def application_decide(request, pk: int):
    """The cohort's coordinators: accept or decline one application (the button pressed
    says which; without one, nothing is decided)."""
    cohort = coordinated_cohort(request, pk)
    to = ("studygroups:applications", cohort.pk)
    form = ApplicationDecisionForm(request.POST)
    if not form.is_valid() and "decision" in form.errors:
        # No button's value (a stale or altered form): nothing is decided by default.
        return refused(
            request, _("Choose to accept or decline the application; nothing was changed."), *to
        )
    member = posted_member(request, cohort)
    if member is None:
        return refused(request, MEMBER_NOT_FOUND, *to)
    try:
        services.application_decide(
            member=member, user=request.user, accept=form.cleaned_data["decision"] == "accept"
        )
    except StudyError as error:
        return refused(request, error, *to)
    messages.success(request, _("The decision was recorded."))
    return redirect(*to)
