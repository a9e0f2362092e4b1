"""The public Q&A: companies ask the quest team while the quest is open; the team answers
for everyone to read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.notifications.services import notify_many
from cocreation.organisations.models import Membership

from .. import permissions
from ..errors import QuestError
from ..models import Proposal, Quest, Question, TeamMember


def question_ask(*, quest: Quest, user, body: str) -> Question:
    """A question to the quest team (told of it); the asker's company is recorded and
    shown to the team only. Raises QuestError for an empty question or a quest that takes
    no questions now."""
    body = body.strip()
    if not body:
        raise QuestError(_("Write your question."), field="body")
    if not permissions.can_ask_question(user, quest):
        raise QuestError(_("Questions can be asked while the quest is open for proposals."))
    organisation = next(iter(roles.companies_of(user)), None) or next(
        (m.organisation for m in roles.active_memberships(user)), None
    )
    with transaction.atomic():
        question = Question.objects.create(
            quest=quest, asked_by=user, organisation=organisation, body=body
        )
        notify_many(
            [
                member.user
                for member in TeamMember.objects.filter(quest=quest).select_related("user")
            ],
            "quest.question_asked",
            question,
            context={"quest": quest.title, "question": body[:1000]},
            url=f"{quest.get_absolute_url()}questions/#question-{question.pk}",
            key_prefix=f"quest.question_asked|{question.pk}",
        )
    return question


def question_answer(*, question: Question, user, answer: str) -> Question:
    """The team answers in public. Askers and proposing companies hear of the first answer;
    a later correction is shown on the page without a second message (same key)."""
    answer = answer.strip()
    if not answer:
        raise QuestError(_("Write the answer."), field="answer")
    quest = question.quest
    if not permissions.can_answer_question(user, quest):
        raise QuestError(_("Only the quest team answers questions."))
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        locked.answer = answer
        locked.answered_by = user
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        askers = set(
            Question.objects.filter(quest=quest, asked_by__isnull=False).values_list(
                "asked_by_id", flat=True
            )
        )
        companies = (
            Proposal.objects.filter(quest=quest)
            .exclude(state__in=[Proposal.State.DRAFT, Proposal.State.WITHDRAWN])
            .values("company_id")
        )
        proposers = set(
            Membership.objects.filter(
                organisation_id__in=companies, status=Membership.Status.ACTIVE
            ).values_list("user_id", flat=True)
        )
        from cocreation.accounts.models import User

        notify_many(
            User.objects.filter(pk__in=(askers | proposers) - {user.pk}),
            "quest.question_answered",
            locked,
            context={
                "quest": quest.title,
                "question": locked.body[:1000],
                "answer": answer[:2000],
            },
            url=f"{quest.get_absolute_url()}questions/#question-{locked.pk}",
            key_prefix=f"quest.question_answered|{locked.pk}",
        )
    return locked
