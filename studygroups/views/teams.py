"""Forming the teams: each member's team and roles, or a proposed set of teams."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import refused

from ..errors import StudyError
from ..forms.teams import MemberTeamForm, TeamPlanForm
from ..selectors import teams as selectors
from ..services import teams as services
from .common import MEMBER_NOT_FOUND, cohort_context, coordinated_cohort, posted_member


@login_required
def teams(request, pk: int):
    """The cohort's coordinators: put members in teams with roles; propose teams
    (`?propose=1`) to confirm as a whole."""
    cohort = coordinated_cohort(request, pk)
    context = cohort_context(request, cohort, "members")
    context["rows"] = [
        (
            m,
            MemberTeamForm(
                prefix=f"m{m.pk}",
                cohort=cohort,
                initial={"team": m.team_id, "team_role": m.team_role, "cohort_role": m.cohort_role},
            ),
        )
        for m in selectors.accepted_members(cohort)
    ]
    if request.GET.get("propose"):
        plan = selectors.propose_teams(cohort)
        context["plan"] = [(team, plan[team.pk]) for team in selectors.teams_of(cohort)]
    return render(request, "studygroups/teams.html", context)


@login_required
@require_POST
def teams_confirm(request, pk: int):
    """The cohort's coordinators: form the teams as proposed (and edited)."""
    cohort = coordinated_cohort(request, pk)
    form = TeamPlanForm(request.POST, teams=selectors.teams_of(cohort))
    if not form.is_valid():
        return refused(
            request,
            _(
                "The proposed teams were not understood; nothing was changed. "
                "Propose the teams again."
            ),
            "studygroups:teams",
            cohort.pk,
        )
    try:
        services.team_plan_confirm(cohort=cohort, plan=form.plan(), user=request.user)
    except StudyError as error:
        return refused(request, error, "studygroups:teams", cohort.pk)
    messages.success(request, _("The teams were formed. Now choose leaders and sub-leaders."))
    return redirect("studygroups:teams", cohort.pk)


@login_required
@require_POST
def member_place(request, pk: int):
    """The cohort's coordinators: one member's team, role in the team and role in the
    cohort, saved together or not at all."""
    cohort = coordinated_cohort(request, pk)
    member = posted_member(request, cohort)
    if member is None:
        return refused(request, MEMBER_NOT_FOUND, "studygroups:teams", cohort.pk)
    form = MemberTeamForm(request.POST, prefix=f"m{member.pk}", cohort=cohort)
    if not form.is_valid():
        return refused(
            request,
            f"{member.user.display_name}: "
            + " ".join(error for errors in form.errors.values() for error in errors),
            "studygroups:teams",
            cohort.pk,
        )
    try:
        services.member_place(
            member=member,
            team=form.cleaned_data["team"],
            team_role=form.cleaned_data["team_role"],
            cohort_role=form.cleaned_data["cohort_role"],
            user=request.user,
        )
    except StudyError as error:
        return refused(
            request, f"{member.user.display_name}: {error.message}", "studygroups:teams", cohort.pk
        )
    messages.success(request, _("Saved."))
    return redirect("studygroups:teams", cohort.pk)
