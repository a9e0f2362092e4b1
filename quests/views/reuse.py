"""The reuse ledger (横展開): which municipalities reused a completed quest's result, each
recording its own status and notes; and the public list of results to reuse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cocreation.core.errors import PortalError, add_to_form
from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page
from cocreation.core.pages import LIST_COUNT_CAP, paginate
from cocreation.core.text import keywords_left_out

from .. import permissions
from ..forms.reuse import ResultsSearchForm, ReuseRecordForm
from ..selectors import reuse as selectors
from ..selectors.quests import quest_page_context
from ..services import reuse as services


def _record_form(request, quest, municipalities, data=None) -> ReuseRecordForm | None:
    """The record form for the person's municipalities (None when they may not record),
    starting from their municipality's record when there is one."""
    if not municipalities:
        return None
    own = selectors.own_entries(request.user, quest)
    entry = own.get(municipalities[0].pk)
    initial = {"status": entry.status if entry else "considering"}
    if entry is not None:
        initial |= {
            "public_note": entry.public_note,
            "outcome": entry.outcome,
            "private_note": entry.private_note,
        }
    return ReuseRecordForm(data, municipalities=municipalities, initial=initial)


def _ledger_page(request, quest, form, *, status=200):
    entries = selectors.public_reuses(quest, history=True)
    selectors.with_private_notes(request.user, quest, entries)
    context = quest_page_context(request.user, quest, "results")
    context |= {"entries": entries, "form": form}
    return render(request, "quests/reuse/ledger.html", context, status=status)


@public_page(QUESTS, DIRECTORY)
def reuse_ledger(request, pk: int):
    """Anyone, once the quest is completed: the municipalities that reused its result,
    with their local-government codes, statuses, public notes and each status change;
    private notes to the recording municipality's staff and the quest team; the form to
    record for municipal staff of a municipality other than the quest's hosts."""
    quest = selectors.completed_quest_or_404(request.user, pk)
    municipalities = permissions.reuse_municipalities(request.user, quest)
    return _ledger_page(request, quest, _record_form(request, quest, municipalities))


@login_required
def reuse_record(request, pk: int):
    """Municipal staff of a municipality other than the quest's hosts, on a completed
    quest: record or update their municipality's reuse of its result (one record per
    municipality)."""
    quest = selectors.completed_quest_or_404(request.user, pk)
    municipalities = permissions.reuse_municipalities(request.user, quest)
    if not municipalities:
        raise PermissionDenied
    form = _record_form(request, quest, municipalities, request.POST or None)
    if request.method != "POST":
        return _ledger_page(request, quest, form)
    if form.is_valid():
        try:
            services.reuse_record(quest=quest, user=request.user, **form.cleaned_data)
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your municipality's reuse was recorded."))
            return redirect("quests:reuse_ledger", quest.pk)
    return _ledger_page(request, quest, form, status=400)


@public_page(QUESTS, DIRECTORY)
def results_list(request):
    """Anyone, signed in or not: published results of completed quests to reuse, by theme
    and keyword, with how many municipalities reused each. A search value that is not
    understood is left out, and the page says so."""
    form = ResultsSearchForm(request.GET or None)
    theme, query, size, ignored = None, "", "", []
    if form.is_bound:
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        theme, query = cleaned.get("theme"), cleaned.get("q") or ""
        size = cleaned.get("size") or ""
        ignored = [str(form.fields[name].label) for name in form.errors]
    listing = paginate(
        request,
        selectors.results_to_reuse(theme=theme, query=query, size=size),
        per_page=20,
        count_cap=LIST_COUNT_CAP,
    )
    if left_out := keywords_left_out(query):
        messages.warning(request, left_out)
    if not listing.understood:
        ignored.append(str(_("Page")))
    if ignored:
        messages.warning(
            request,
            _("Some search conditions were not understood and were left out: %(fields)s.")
            % {"fields": "、".join(ignored)},
        )
    context = {"form": form, "page": listing.page, "query": listing.query}
    return render(request, "quests/reuse/results_list.html", context)
