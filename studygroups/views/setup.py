"""The cohorts: the list, a cohort's overview, starting one, its settings, its members CSV."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.core.errors import add_to_form
from cocreation.core.exports import csv_response
from cocreation.core.pages import paginate

from .. import permissions
from ..errors import StudyError
from ..forms.setup import (
    CohortSettingsForm,
    CohortStartForm,
    FieldFormSet,
    PhaseFormSet,
    ProgrammeForm,
    TeamFormSet,
)
from ..selectors import setup as selectors
from ..selectors.sessions import attendance_rates_streamed
from ..services import setup as services
from .common import cohort_context, coordinated_cohort, visible_cohort

COHORTS_PAGE_SIZE = 20


@login_required
def cohort_list(request):
    """Signed-in users: the cohorts they may open (municipal staff: all, and may apply);
    everyone can read published outcomes in the archive."""
    listing = paginate(request, selectors.cohorts_for(request.user), per_page=COHORTS_PAGE_SIZE)
    today = timezone.localdate()
    for cohort in listing.page.object_list:
        cohort.recruiting = cohort.is_recruiting(today)
    return render(
        request,
        "studygroups/cohort_list.html",
        {"listing": listing, "can_start": permissions.can_start_cohort(request.user)},
    )


@login_required
def cohort_detail(request, pk: int):
    """Municipal staff, members, reviewers and coordinators: the cohort and its teams."""
    cohort = visible_cohort(request, pk)
    context = cohort_context(request, cohort, "overview")
    context.update(
        selectors.cohort_overview(
            cohort, with_outcomes=cohort.is_published or context["is_coordinator"]
        )
    )
    return render(request, "studygroups/cohort_detail.html", context)


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
            cohort = services.cohort_start(
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
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("The cohort was started. Check its fields, phases and teams, then open it."),
            )
            return redirect("studygroups:settings", cohort.pk)
    return render(request, "studygroups/cohort_start.html", {"form": form})


def settings_rows(formset) -> list[services.Row]:
    """The rows of a validated formset as the service takes them, in the page's order
    (so that a refusal's `row` is the index of the formset's form)."""
    rows = []
    names = [name for name in formset.form.base_fields if name not in ("id", "DELETE")]
    initial = formset.initial_form_count()
    deleted = formset.deleted_forms
    for index, form in enumerate(formset.forms):
        changed = frozenset(form.changed_data) if form.has_changed() else frozenset()
        rows.append(
            services.Row(
                pk=form.instance.pk if index < initial else None,
                values={name: form.cleaned_data.get(name) for name in names} if changed else {},
                changed=changed,
                delete=form in deleted,
            )
        )
    return rows


# Which list of the settings page a refusal's `row` counts in, by its code; the refusals
# of one error are all about the same list.
_ROWS_OF = {
    services.FIELD_NAME_TAKEN: "fields",
    services.TEAM_NUMBER_TAKEN: "teams",
    services.TEAM_IN_USE: "teams",
    services.TEAM_TOO_SMALL: "teams",
}


@login_required
def cohort_settings(request, pk: int):
    """The cohort's coordinators: details, recruitment, fields, phases, teams, publication."""
    cohort = coordinated_cohort(request, pk)
    data = request.POST or None
    form = CohortSettingsForm(
        data, instance=cohort, organisers=selectors.settings_organisers(request.user, cohort)
    )
    lists = {
        "fields": FieldFormSet(data, instance=cohort, prefix="fields"),
        "phases": PhaseFormSet(data, instance=cohort, prefix="phases"),
        "teams": TeamFormSet(data, instance=cohort, prefix="teams"),
    }
    programme_form = (
        ProgrammeForm(data, instance=cohort.programme, prefix="programme")
        if permissions.can_edit_programme(request.user, cohort.programme)
        else None
    )
    parts = [form, *lists.values()] + ([programme_form] if programme_form else [])
    if request.method == "POST" and all([part.is_valid() for part in parts]):
        try:
            services.cohort_save_settings(
                cohort=cohort,
                user=request.user,
                details=form.details(),
                organisations=form.cleaned_data["organisations"],
                coordinators=form.cleaned_data["coordinator_emails"],
                reviewers=form.cleaned_data["reviewer_emails"],
                fields=settings_rows(lists["fields"]),
                phases=settings_rows(lists["phases"]),
                teams=settings_rows(lists["teams"]),
                programme=(
                    {name: programme_form.cleaned_data[name] for name in ("name", "description")}
                    if programme_form
                    else None
                ),
            )
        except StudyError as error:
            rows = lists.get(_ROWS_OF.get(error.code, ""))
            add_to_form(form, error, rows=rows.forms if rows else None)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("studygroups:settings", cohort.pk)
    context = cohort_context(request, cohort, "settings")
    context.update(form=form, programme_form=programme_form, **lists)
    return render(request, "studygroups/cohort_settings.html", context)


@login_required
def members_csv(request, pk: int):
    """The cohort's coordinators: members with their teams, roles and attendance, for the
    reports a secretariat writes (UTF-8 with a BOM, so Excel reads the Japanese), streamed."""
    cohort = coordinated_cohort(request, pk)
    header = [
        _("Name"),
        _("Reading"),
        _("Municipality"),
        _("Department"),
        _("Position"),
        _("Email address"),
        _("Team"),
        _("Role in the team"),
        _("Role in the cohort"),
        _("Present"),
        _("Recorded"),
        _("Rate"),
    ]
    rows = (
        [
            member.user.display_name,
            member.user.display_name_kana,
            member.organisation.name,
            member.department,
            member.position,
            member.user.email,
            str(member.team) if member.team else "",
            member.get_team_role_display(),
            member.get_cohort_role_display() if member.cohort_role else "",
            present,
            counted,
            "" if rate is None else f"{rate:.0%}",
        ]
        for member, present, counted, rate in attendance_rates_streamed(cohort)
    )
    return csv_response(f"cohort-{cohort.pk}-{cohort.fiscal_year}-members.csv", header, rows)
