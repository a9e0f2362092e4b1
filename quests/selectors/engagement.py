"""The public Q&A as its page reads it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ..models import Quest, Question


def questions_of(quest: Quest) -> QuerySet:
    """The quest's questions in order, with the asker's organisation and who answered."""
    return Question.objects.filter(quest=quest).select_related("organisation", "answered_by")


def question_of(quest: Quest, pk: int) -> Question:
    """Question `pk` of `quest`, or Http404."""
    question = Question.objects.filter(pk=pk, quest=quest).select_related("quest").first()
    if question is None:
        raise Http404
    return question
