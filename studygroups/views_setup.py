"""Coordinators start cohorts and keep their settings: fields, phases, teams, publication."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.exports import csv_response

from . import permissions, services
from .forms_setup import (
    CohortSettingsForm,
    CohortStartForm,
    FieldFormSet,
    PhaseFormSet,
    ProgrammeForm,
    TeamFormSet,
)
from .views import _cohort, _context, _error_to_form


@login_required
def cohort_start(request):
    """Coordinators and site admins: start a cohort, of an existing programme or a new one."""
    if not permissions.can_start_cohort(request.user):
        raise PermissionDenied
    organisers = roles.coordinated_organisations(request.user)
    form = CohortStartForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.start_cohort(
                user=request.user,
                programme=data["programme"],
                new_programme_name=data["new_programme_name"],
                organiser=data["organiser"],
                fiscal_year=data["fiscal_year"],
                details=form.details(),
                organisations=data["organisations"],
                coordinators=data["coordinator_emails"],
                reviewers=data["reviewer_emails"],
                copy_previous=data["copy_previous"],
            )
        except services.StudyError as error:
            _error_to_form(form, error)
        else:
            messages.success(
                request,
                _("The cohort was started. Check its fields, phases and teams, then open it."),
            )
            return redirect("studygroups:settings", cohort.pk)
    return render(request, "studygroups/cohort_start.html", {"form": form})


@login_required
def cohort_settings(request, pk: int):
    """The cohort's coordinators: details, recruitment, fields, phases, teams, publication."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    organisers = [
        *roles.coordinated_organisations(request.user).values_list("pk", flat=True),
        cohort.programme.organiser_id,
    ]
    data = request.POST or None
    form = CohortSettingsForm(data, instance=cohort, organisers=organisers)
    fields = FieldFormSet(data, instance=cohort, prefix="fields")
    phases = PhaseFormSet(data, instance=cohort, prefix="phases")
    teams = TeamFormSet(data, instance=cohort, prefix="teams")
    programme_form = (
        ProgrammeForm(data, instance=cohort.programme, prefix="programme")
        if permissions.can_edit_programme(request.user, cohort.programme)
        else None
    )
    parts = [form, fields, phases, teams] + ([programme_form] if programme_form else [])
    if request.method == "POST" and all([part.is_valid() for part in parts]):
        try:
            services.save_cohort_settings(
                cohort=cohort, user=request.user, form=form,
                fields=fields, phases=phases, teams=teams, programme_form=programme_form,
            )  # fmt: skip
        except services.StudyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("studygroups:settings", cohort.pk)
    context = _context(request, cohort, "settings")
    context.update(
        form=form, fields=fields, phases=phases, teams=teams, programme_form=programme_form
    )
    return render(request, "studygroups/cohort_settings.html", context)


@login_required
def members_csv(request, pk: int):
    """The cohort's coordinators: members with their teams, roles and attendance, for the
    reports a secretariat writes (UTF-8 with a BOM, so Excel reads the Japanese)."""
    cohort = _cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    header = [_("Name"), _("Reading"), _("Municipality"), _("Department"), _("Position"),
              _("Email address"), _("Team"), _("Role in the team"), _("Role in the cohort"),
              _("Present"), _("Recorded"), _("Rate")]  # fmt: skip
    rows = [
        [member.user.display_name, member.user.display_name_kana, member.organisation.name,
         member.department, member.position, member.user.email,
         str(member.team) if member.team else "", member.get_team_role_display(),
         member.get_cohort_role_display() if member.cohort_role else "",
         present, counted, "" if rate is None else f"{rate:.0%}"]
        for member, present, counted, rate in services.attendance_rates(cohort)
    ]  # fmt: skip
    return csv_response(f"cohort-{cohort.pk}-{cohort.fiscal_year}-members.csv", header, rows)
