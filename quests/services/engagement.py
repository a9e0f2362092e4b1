"""Public questions and answers, the trial's log, and the results report."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.notifications.services import notify
from cocreation.organisations.models import Membership

from .. import permissions
from ..models import Proposal, Quest, Question, ResultsReport, TeamMember
from .quests import QuestError


def question_ask(*, quest: Quest, user, body: str) -> Question:
    body = body.strip()
    if not body:
        raise QuestError(_("Write your question."), "body")
    if not permissions.can_ask_question(user, quest):
        raise QuestError(_("Questions can be asked while the quest is open for proposals."))
    organisation = next(iter(roles.companies_of(user)), None) or next(
        (m.organisation for m in roles.active_memberships(user)), None
    )
    with transaction.atomic():
        question = Question.objects.create(
            quest=quest, asked_by=user, organisation=organisation, body=body
        )
        for member in TeamMember.objects.filter(quest=quest).select_related("user"):
            notify(
                member.user,
                "quest.question_asked",
                question,
                context={"quest": quest.title, "question": body[:1000]},
                url=f"{quest.get_absolute_url()}questions/#question-{question.pk}",
                key=f"quest.question_asked|{question.pk}|{member.user_id}",
            )
    return question


def question_answer(*, question: Question, user, answer: str) -> Question:
    """The team answers in public. Askers and proposing companies hear of the first answer;
    a later correction is shown on the page without a second message (same key)."""
    answer = answer.strip()
    if not answer:
        raise QuestError(_("Write the answer."), "answer")
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

        for recipient in User.objects.filter(pk__in=(askers | proposers) - {user.pk}):
            notify(
                recipient,
                "quest.question_answered",
                locked,
                context={
                    "quest": quest.title,
                    "question": locked.body[:1000],
                    "answer": answer[:2000],
                },
                url=f"{quest.get_absolute_url()}questions/#question-{locked.pk}",
                key=f"quest.question_answered|{locked.pk}|{recipient.pk}",
            )
    return locked


def results_save(*, quest: Quest, user, data: dict) -> ResultsReport:
    if not permissions.can_manage_trial(user, quest):
        raise QuestError(_("You cannot edit this quest's results."))
    if quest.state not in {Quest.State.IN_TRIAL, Quest.State.COMPLETED}:
        raise QuestError(_("Results are written once the trial has started."))
    report, _created = ResultsReport.objects.update_or_create(quest=quest, defaults=data)
    return report


def results_publish(*, quest: Quest, user, publish: bool = True) -> ResultsReport:
    if not permissions.can_manage_trial(user, quest):
        raise QuestError(_("You cannot edit this quest's results."))
    with transaction.atomic():
        # Locked and idempotent: a second "publish" (double click, two team members) keeps
        # the first publication's date and publisher.
        locked_quest = Quest.objects.select_for_update().get(pk=quest.pk)
        report = ResultsReport.objects.select_for_update().filter(quest=quest).first()
        if report is None:
            raise QuestError(_("Write the results report first."))
        if publish and locked_quest.state != Quest.State.COMPLETED:
            raise QuestError(_("Results are published when the quest is completed."))
        if publish == (report.published_at is not None):
            return report
        report.published_at = timezone.now() if publish else None
        report.published_by = user if publish else None
        report.save(update_fields=["published_at", "published_by", "updated_at"])
    return report


def trial_item_save(*, item, user, is_new: bool):
    """A milestone, meeting or KPI of the trial. An edit of an item someone deleted in the
    meantime is refused rather than bringing the item back (a plain save would insert it)."""
    if not permissions.can_manage_trial(user, item.trial.quest):
        raise QuestError(_("You cannot edit this quest's trial."))
    with transaction.atomic():
        if not is_new and not type(item).objects.select_for_update().filter(pk=item.pk).exists():
            raise QuestError(_("Someone deleted this item meanwhile."))
        item.save(force_insert=is_new, force_update=not is_new)
    return item
