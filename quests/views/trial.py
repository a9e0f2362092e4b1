"""The trial's pages (its plan, milestones, meetings and KPIs), the results report, and
what follows the trial (adoption as a service, extension, or not continued)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import PortalError, add_to_form, refused
from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page

from .. import permissions
from ..forms.trial import (
    TRIAL_ITEM_FORMS,
    ResultsForm,
    ResultsPublishForm,
    TransitionForm,
    TrialForm,
)
from ..models import Quest, Trial
from ..selectors import trial as selectors
from ..selectors.proposals import adopted_proposals, published_summaries
from ..selectors.quests import quest_page_context, visible_quest_or_404
from ..services import trial as services


def _trial_or_404(request, pk: int) -> tuple[Quest, Trial]:
    quest = visible_quest_or_404(request.user, pk)
    trial = selectors.trial_of(quest)
    if trial is None:
        raise Http404
    if not permissions.can_view_trial(request.user, quest):
        raise PermissionDenied
    return quest, trial


@login_required
def trial(request, pk: int):
    """The quest team, host staff, coordinators, admins; members of the adopted company."""
    quest, trial = _trial_or_404(request, pk)
    manage = permissions.can_manage_trial(request.user, quest)
    trial_form = TrialForm(request.POST or None, instance=trial) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if trial_form.is_valid():
            try:
                services.trial_update(trial=trial, user=request.user, **trial_form.cleaned_data)
            except PortalError as error:
                add_to_form(trial_form, error)
            else:
                messages.success(request, _("The trial plan was saved."))
                return redirect("quests:trial", quest.pk)
    context = quest_page_context(request.user, quest, "trial")
    context |= {
        "trial": trial,
        "manage": manage,
        "trial_form": trial_form,
        "add_forms": {
            kind: form_class(prefix=kind) for kind, form_class in TRIAL_ITEM_FORMS.items()
        }
        if manage
        else {},
    }
    return render(request, "quests/trial/trial.html", context)


@login_required
def trial_item(request, pk: int, kind: str, item_pk: int | None = None):
    """Those who manage the trial: add or edit a milestone, meeting or KPI."""
    if kind not in TRIAL_ITEM_FORMS:
        raise Http404
    quest, trial = _trial_or_404(request, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    instance = selectors.trial_item_of(trial, kind, item_pk) if item_pk else None
    form = TRIAL_ITEM_FORMS[kind](request.POST or None, instance=instance, prefix=kind)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.trial_item_save(
                trial=trial,
                user=request.user,
                kind=kind,
                values=form.cleaned_data,
                pk=item_pk,
            )
        except PortalError as error:
            # Refused (deleted meanwhile…): the form again with what was typed.
            add_to_form(form, error)
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{quest.get_absolute_url()}trial/#{kind}s")
    context = quest_page_context(request.user, quest, "trial")
    context |= {"form": form, "kind": kind, "instance": instance, "trial": trial}
    return render(request, "quests/trial/trial_item.html", context, status=status)


@login_required
@require_POST
def trial_item_delete(request, pk: int, kind: str, item_pk: int):
    """Those who manage the trial: delete a milestone, meeting or KPI."""
    if kind not in TRIAL_ITEM_FORMS:
        raise Http404
    quest, trial = _trial_or_404(request, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    item = selectors.trial_item_of(trial, kind, item_pk)
    try:
        services.trial_item_delete(trial=trial, user=request.user, kind=kind, pk=item.pk)
    except PortalError as error:
        return refused(request, error, "quests:trial", quest.pk)
    messages.success(request, _("Deleted."))
    return redirect("quests:trial", quest.pk)


@public_page(QUESTS, DIRECTORY)
def results(request, pk: int):
    """Anyone, once the quest is completed and the report published; before that, those
    who manage the trial (to write it)."""
    quest = visible_quest_or_404(request.user, pk)
    report = selectors.results_report(quest)
    manage = permissions.can_manage_trial(request.user, quest)
    published = (
        report is not None
        and report.published_at is not None
        and quest.state == Quest.State.COMPLETED
    )
    if not published and not manage:
        raise Http404
    context = quest_page_context(request.user, quest, "results")
    context |= {
        "report": report,
        "published": published,
        "manage": manage,
        "trial": selectors.trial_with_kpis(quest),
        "adopted": adopted_proposals(quest),
        "summaries": published_summaries(quest),
    }
    return render(request, "quests/results/results.html", context)


@login_required
def results_edit(request, pk: int):
    """Those who manage the trial, while in trial or completed."""
    quest = visible_quest_or_404(request.user, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    form = ResultsForm(request.POST or None, instance=selectors.results_report(quest))
    if request.method == "POST" and form.is_valid():
        try:
            services.results_save(quest=quest, user=request.user, **form.cleaned_data)
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The results report was saved."))
            return redirect("quests:results", quest.pk)
    context = quest_page_context(request.user, quest, "results")
    context["form"] = form
    return render(request, "quests/results/results_form.html", context)


@login_required
@require_POST
def results_publish(request, pk: int):
    """Those who manage the trial: publish (quest completed) or unpublish the report."""
    quest = visible_quest_or_404(request.user, pk)
    form = ResultsPublishForm(request.POST)
    if not form.is_valid():
        return refused(request, _("Choose to publish or unpublish."), "quests:results", quest.pk)
    try:
        services.results_publish(
            quest=quest,
            user=request.user,
            publish=form.cleaned_data["action"] != ResultsPublishForm.UNPUBLISH,
        )
    except PortalError as error:
        return refused(request, error, "quests:results", quest.pk)
    messages.success(request, _("The results report was updated."))
    return redirect("quests:results", quest.pk)


def _transition_page(request, quest: Quest, form: TransitionForm, *, editing=None, status=200):
    context = quest_page_context(request.user, quest, "transitions")
    context |= {
        "form": form,
        "editing": editing,
        "transitions": selectors.transitions_with_history(quest),
    }
    return render(request, "quests/trial/transitions.html", context, status=status)


def _save_transition(request, quest: Quest, form: TransitionForm, pk: int | None):
    """The form's record saved by the service; None (and the error on the form) when
    refused."""
    try:
        return services.transition_record(
            quest=quest, user=request.user, pk=pk, **form.cleaned_data
        )
    except PortalError as error:
        add_to_form(form, error)
        return None


@login_required
def transitions(request, pk: int):
    """Those who manage the trial: the records of what followed it, each with its history,
    and the form to record a fiscal year."""
    quest = visible_quest_or_404(request.user, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    form = TransitionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and _save_transition(request, quest, form, None) is not None:
            messages.success(request, _("Recorded."))
            return redirect("quests:transitions", quest.pk)
        return _transition_page(request, quest, form, status=400)
    return _transition_page(request, quest, form)


@login_required
def transition_edit(request, pk: int, transition_pk: int):
    """Those who manage the trial: change the record of one fiscal year (the earlier
    version stays in its history)."""
    quest = visible_quest_or_404(request.user, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    transition = selectors.transition_of(quest, transition_pk)
    form = TransitionForm(request.POST or None, instance=transition)
    if request.method == "POST":
        if form.is_valid() and _save_transition(request, quest, form, transition.pk) is not None:
            messages.success(request, _("Saved."))
            return redirect("quests:transitions", quest.pk)
        return _transition_page(request, quest, form, editing=transition, status=400)
    return _transition_page(request, quest, form, editing=transition)
