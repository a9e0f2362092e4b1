"""Public Q&A, the trial's log (milestones, meetings, KPIs) and the results report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms_engagement import (
    AnswerForm,
    KpiForm,
    MeetingForm,
    MilestoneForm,
    QuestionForm,
    ResultsForm,
    ResultsPublishForm,
    TrialForm,
)
from ..models import Kpi, Milestone, Proposal, Quest, Question, ResultsReport, Trial, TrialMeeting
from ..selectors_proposals import published_summaries
from ..services import engagement as services
from ..services.quests import QuestError
from .common import get_visible_quest, quest_context, refused

TRIAL_ITEMS = {
    "milestone": (Milestone, MilestoneForm),
    "meeting": (TrialMeeting, MeetingForm),
    "kpi": (Kpi, KpiForm),
}


def questions(request, pk: int):
    """Anyone who may see the quest reads the Q&A; signed-in organisation members not on
    the team ask while it is open; the team answers. Askers' companies: team side only."""
    quest = get_visible_quest(request, pk)
    context = quest_context(request, quest, "questions")
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not context["may"]["ask"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                question = services.question_ask(
                    quest=quest, user=request.user, body=form.cleaned_data["body"]
                )
            except QuestError as error:
                form.add_error("body", error.message)
            else:
                messages.success(request, _("Your question was sent to the quest team."))
                return redirect(f"{request.path}#question-{question.pk}")
    return _render_questions(request, quest, context, form=form)


def _render_questions(request, quest: Quest, context: dict, *, form, answer_form=None):
    """The Q&A page; `answer_form` (a refused answer, bound, prefixed `q<question id>`)
    replaces that question's empty form, with its errors and the text typed (400)."""
    rows = Question.objects.filter(quest=quest).select_related("organisation", "answered_by")
    refused_prefix = answer_form.prefix if answer_form is not None else None
    context.update(
        questions=[
            (
                q,
                answer_form
                if f"q{q.pk}" == refused_prefix
                else AnswerForm(prefix=f"q{q.pk}", initial={"answer": q.answer}),
            )
            for q in rows
        ],
        form=form,
        show_askers=context["may"]["answer"],
    )
    status = 200 if answer_form is None else 400
    return render(request, "quests/questions/questions.html", context, status=status)


@login_required
@require_POST
def question_answer(request, pk: int, question_pk: int):
    """Quest team members, coordinators of the host's region, site admins."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_answer_question(request.user, quest):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=question_pk, quest=quest)
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        try:
            services.question_answer(
                question=question, user=request.user, answer=form.cleaned_data["answer"]
            )
        except QuestError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The answer was published."))
            return redirect(f"{quest.get_absolute_url()}questions/#question-{question.pk}")
    # Refused: the Q&A page again, with the answer typed and why.
    context = quest_context(request, quest, "questions")
    return _render_questions(request, quest, context, form=QuestionForm(), answer_form=form)


def _trial_or_404(request, pk: int) -> tuple[Quest, Trial]:
    quest = get_visible_quest(request, pk)
    trial = (
        Trial.objects.filter(quest=quest)
        .select_related("proposal__company")
        .prefetch_related("milestones", "meetings", "kpis")
        .first()
    )
    if trial is None:
        raise Http404
    if not permissions.can_view_trial(request.user, quest):
        raise PermissionDenied
    return quest, trial


@login_required
def trial(request, pk: int):
    """The quest team, host staff, coordinators, admins; members of the adopted company."""
    quest, trial = _trial_or_404(request, pk)
    context = quest_context(request, quest, "trial")
    manage = permissions.can_manage_trial(request.user, quest)
    trial_form = TrialForm(request.POST or None, instance=trial) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if trial_form.is_valid():
            trial_form.save()
            messages.success(request, _("The trial plan was saved."))
            return redirect("quests:trial", quest.pk)
    context.update(
        trial=trial,
        manage=manage,
        trial_form=trial_form,
        add_forms={kind: form_class(prefix=kind) for kind, (_m, form_class) in TRIAL_ITEMS.items()}
        if manage
        else {},
    )
    return render(request, "quests/trial/trial.html", context)


@login_required
def trial_item(request, pk: int, kind: str, item_pk: int | None = None):
    """Those who manage the trial: add, edit or delete a milestone, meeting or KPI."""
    if kind not in TRIAL_ITEMS:
        raise Http404
    quest, trial = _trial_or_404(request, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    model, form_class = TRIAL_ITEMS[kind]
    instance = get_object_or_404(model, pk=item_pk, trial=trial) if item_pk else None
    if request.method == "POST" and request.POST.get("delete") and instance is not None:
        instance.delete()
        messages.success(request, _("Deleted."))
        return redirect("quests:trial", quest.pk)
    form = form_class(request.POST or None, instance=instance, prefix=kind)
    status = 200
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.trial = trial
        if kind == "meeting" and instance is None:
            item.recorded_by = request.user
        try:
            services.trial_item_save(item=item, user=request.user, is_new=instance is None)
        except QuestError as error:
            # Refused (deleted meanwhile…): the form again with what was typed.
            form.add_error(None, error.message)
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{quest.get_absolute_url()}trial/#{kind}s")
    context = quest_context(request, quest, "trial")
    context.update(form=form, kind=kind, instance=instance, trial=trial)
    return render(request, "quests/trial/trial_item.html", context, status=status)


def results(request, pk: int):
    """Anyone, once the quest is completed and the report published; before that, those
    who manage the trial (to write it)."""
    quest = get_visible_quest(request, pk)
    report = ResultsReport.objects.filter(quest=quest).select_related("published_by").first()
    manage = permissions.can_manage_trial(request.user, quest)
    published = (
        report is not None
        and report.published_at is not None
        and quest.state == Quest.State.COMPLETED
    )
    if not published and not manage:
        raise Http404
    trial = (
        Trial.objects.filter(quest=quest)
        .select_related("proposal__company")
        .prefetch_related(Prefetch("kpis", queryset=Kpi.objects.order_by("id")))
        .first()
    )
    context = quest_context(request, quest, "results")
    context.update(
        report=report,
        published=published,
        manage=manage,
        trial=trial,
        adopted=Proposal.objects.filter(quest=quest, state=Proposal.State.ADOPTED).select_related(
            "company"
        ),
        summaries=published_summaries(quest),
    )
    return render(request, "quests/results/results.html", context)


@login_required
def results_edit(request, pk: int):
    """Those who manage the trial, while in trial or completed."""
    quest = get_visible_quest(request, pk)
    if not permissions.can_manage_trial(request.user, quest):
        raise PermissionDenied
    report = ResultsReport.objects.filter(quest=quest).first()
    form = ResultsForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.results_save(
                quest=quest,
                user=request.user,
                data={name: form.cleaned_data[name] for name in ResultsForm.Meta.fields},
            )
        except QuestError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The results report was saved."))
            return redirect("quests:results", quest.pk)
    context = quest_context(request, quest, "results")
    context["form"] = form
    return render(request, "quests/results/results_form.html", context)


@login_required
@require_POST
def results_publish(request, pk: int):
    """Those who manage the trial: publish (quest completed) or unpublish the report."""
    quest = get_visible_quest(request, pk)
    form = ResultsPublishForm(request.POST)
    if not form.is_valid():
        return refused(request, _("Choose to publish or unpublish."), "quests:results", quest.pk)
    try:
        services.results_publish(
            quest=quest, user=request.user, publish=form.cleaned_data["action"] != "unpublish"
        )
    except QuestError as error:
        return refused(request, error.message, "quests:results", quest.pk)
    messages.success(request, _("The results report was updated."))
    return redirect("quests:results", quest.pk)
