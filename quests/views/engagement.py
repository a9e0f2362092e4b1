"""The public Q&A: anyone who may see the quest reads it, companies ask while the quest is
open, and the quest team answers for everyone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import PortalError, add_to_form
from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page

from .. import permissions
from ..forms.engagement import AnswerForm, QuestionForm
from ..models import Quest
from ..selectors import engagement as selectors
from ..selectors.quests import quest_page_context, visible_quest_or_404
from ..services import engagement as services


@public_page(QUESTS, DIRECTORY)
def questions(request, pk: int):
    """Anyone who may see the quest reads the Q&A; signed-in organisation members not on
    the team ask while it is open; the team answers. Askers' companies: team side only."""
    quest = visible_quest_or_404(request.user, pk)
    context = quest_page_context(request.user, quest, "questions")
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not context["may"]["ask"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                question = services.question_ask(
                    quest=quest, user=request.user, body=form.cleaned_data["body"]
                )
            except PortalError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Your question was sent to the quest team."))
                return redirect(f"{request.path}#question-{question.pk}")
    return _render_questions(request, quest, context, form=form)


def _render_questions(request, quest: Quest, context: dict, *, form, answer_form=None):
    """The Q&A page; `answer_form` (a refused answer, bound, prefixed `q<question id>`)
    replaces that question's empty form, with its errors and the text typed (400)."""
    refused_prefix = answer_form.prefix if answer_form is not None else None
    context |= {
        "questions": [
            (
                q,
                answer_form
                if f"q{q.pk}" == refused_prefix
                else AnswerForm(prefix=f"q{q.pk}", initial={"answer": q.answer}),
            )
            for q in selectors.questions_of(quest)
        ],
        "form": form,
        "show_askers": context["may"]["answer"],
    }
    status = 200 if answer_form is None else 400
    return render(request, "quests/questions/questions.html", context, status=status)


@login_required
@require_POST
def question_answer(request, pk: int, question_pk: int):
    """Quest team members, coordinators of the host's region, site admins."""
    quest = visible_quest_or_404(request.user, pk)
    if not permissions.can_answer_question(request.user, quest):
        raise PermissionDenied
    question = selectors.question_of(quest, question_pk)
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        try:
            services.question_answer(
                question=question, user=request.user, answer=form.cleaned_data["answer"]
            )
        except PortalError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The answer was published."))
            return redirect(f"{quest.get_absolute_url()}questions/#question-{question.pk}")
    # Refused: the Q&A page again, with the answer typed and why.
    context = quest_page_context(request.user, quest, "questions")
    return _render_questions(request, quest, context, form=QuestionForm(), answer_form=form)
