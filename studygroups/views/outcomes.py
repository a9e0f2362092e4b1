"""Outcomes: a team's outcome, a quest started from it, and the public archive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core import inputs
from cocreation.core.errors import add_to_form, refused
from cocreation.core.page_cache import ARCHIVE, DIRECTORY, QUESTS, public_page
from cocreation.core.pages import paginate
from cocreation.core.text import keywords_left_out

from ..errors import StudyError
from ..forms.outcomes import ArchiveSearchForm, OutcomeForm
from ..selectors import outcomes as selectors
from ..services import outcomes as services
from .common import cohort_context, coordinated_cohort


@login_required
def outcome_edit(request, pk: int, team_pk: int):
    """The cohort's coordinators: a team's outcome for the archive (a quest can be started
    from it, see outcome_to_quest)."""
    cohort = coordinated_cohort(request, pk)
    team = selectors.team_or_404(cohort, team_pk)
    outcome = selectors.outcome_of(team)
    form = OutcomeForm(request.POST or None, instance=outcome)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_save(team=team, user=request.user, **form.cleaned_data)
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The outcome was saved."))
            return redirect("studygroups:outcome", cohort.pk, team.pk)
    context = cohort_context(request, cohort, "outcomes")
    context.update(form=form, team=team, outcome=outcome)
    return render(request, "studygroups/outcome_form.html", context)


@login_required
@require_POST
def outcome_to_quest(request, pk: int, team_pk: int):
    """The cohort's coordinators who are municipal staff: start a draft quest from the
    team's outcome, then edit it."""
    cohort = coordinated_cohort(request, pk)
    team = selectors.team_or_404(cohort, team_pk)
    outcome = selectors.outcome_of(team)
    if outcome is None:
        return refused(
            request, _("Save the outcome first."), "studygroups:outcome", cohort.pk, team.pk
        )
    try:
        quest = services.outcome_to_quest(outcome=outcome, user=request.user)
    except StudyError as error:
        return refused(request, error, "studygroups:outcome", cohort.pk, team.pk)
    messages.success(request, _("A draft quest was started from the proposal."))
    return redirect("quests:edit", quest.pk)


@public_page(ARCHIVE, QUESTS, DIRECTORY)
def archive(request):
    """Anyone: outcomes of published cohorts, across years and municipalities, searchable
    by keyword and filtered by organiser and fiscal year."""
    organiser = request.GET.get("organiser", "")
    year = request.GET.get("year", "")
    organiser_id = inputs.query_int(organiser, maximum=inputs.BIGINT_MAX)
    fiscal_year = inputs.query_int(year, maximum=inputs.SMALLINT_MAX)
    if (organiser and organiser_id is None) or (year and fiscal_year is None):
        messages.warning(
            request, _("The filter in the address was not understood; all outcomes are shown.")
        )
        organiser = "" if organiser_id is None else organiser
        year = "" if fiscal_year is None else year
    search = ArchiveSearchForm(request.GET)
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
    else:
        # Refused, not cut: a cut keyword would search for something nobody typed.
        query = ""
        messages.warning(
            request,
            _("The keyword was not used (%(error)s); all outcomes are shown.")
            % {"error": " ".join(search.errors["q"])},
        )
    if left_out := keywords_left_out(query):
        messages.warning(request, left_out)
    outcomes = selectors.archive(organiser_id=organiser_id, fiscal_year=fiscal_year, query=query)
    listing = paginate(request, outcomes, per_page=30)
    organisers, years = selectors.archive_choices()
    return render(
        request,
        "studygroups/archive.html",
        {
            "page": listing.page,
            # The keyword as typed stays in the box, so a refused one can be corrected.
            "q": request.GET.get("q", ""),
            "organisers": organisers,
            "years": years,
            "organiser": organiser,
            "year": year,
            "query": listing.query,
        },
    )
