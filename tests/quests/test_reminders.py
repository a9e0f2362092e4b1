"""Deadline reminders: 7 days and 1 day before, to the team and to companies with drafts,
each exactly once however often beat runs."""

import datetime as dt
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from cocreation.notifications import tasks as notification_tasks
from cocreation.notifications.models import Notification
from cocreation.notifications.reminders import run_reminders
from config.celery import app
from quests.models import Proposal, Quest
from tests import factories
from tests.quests import factories as qf

TODAY = timezone.localdate()
SOURCE = "quests.deadline_reminders"


def remind_on(today):
    """The one reminder runner, asked for the quests' deadline reminders only, on `today`
    at 09:00 in the site's zone; returns how many it sent."""
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    return run_reminders(now=now, only=[SOURCE])[SOURCE]


def _reminded(kind="quest.deadline_reminder"):
    return sorted(n.recipient.email for n in Notification.objects.filter(kind=kind))


@pytest.mark.django_db
def test_seven_days_before_team_and_draft_companies_only(
    quest, company, company_user, other_company
):
    submitter = factories.make_member(other_company, email="done@mirai-digital.example.com")
    qf.make_proposal(quest, company, company_user, state=Proposal.State.DRAFT)
    qf.make_proposal(quest, other_company, submitter, state=Proposal.State.SUBMITTED)
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=7))
    assert remind_on(TODAY) == 2
    assert _reminded() == ["member@foodshare.example.com", "staff@city.koriyama.lg.jp"]
    draft_note = Notification.objects.get(recipient=company_user)
    assert "下書き" in draft_note.body
    assert "あと7日" in draft_note.title


@pytest.mark.django_db
def test_runs_again_send_nothing_more(quest):
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=1))
    assert remind_on(TODAY) == 1
    assert remind_on(TODAY) == 0
    assert remind_on(TODAY) == 0
    assert Notification.objects.filter(kind="quest.deadline_reminder").count() == 1


@pytest.mark.django_db
def test_seven_and_one_day_reminders_are_separate(quest):
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=7))
    remind_on(TODAY)
    remind_on(TODAY + timedelta(days=6))
    assert Notification.objects.filter(kind="quest.deadline_reminder").count() == 2


@pytest.mark.django_db
def test_a_missed_run_is_caught_up(quest):
    # Beat was down on the 7-day mark; the next run, at 6 days, still sends it once.
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=6))
    assert remind_on(TODAY) == 1
    assert "あと6日" in Notification.objects.get().title


@pytest.mark.django_db
@pytest.mark.parametrize("days", [8, -1])
def test_nothing_outside_the_windows(quest, days):
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=days))
    assert remind_on(TODAY) == 0


@pytest.mark.django_db
def test_closed_quests_are_not_reminded(quest):
    Quest.objects.filter(pk=quest.pk).update(
        state=Quest.State.SELECTING, proposal_deadline=TODAY + timedelta(days=1)
    )
    assert remind_on(TODAY) == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_task_through_a_real_worker_sends_one_email_each(monkeypatch, koriyama):
    queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    email_task = notification_tasks.send_notification_emails
    monkeypatch.setattr(email_task, "delay", lambda *a: email_task.apply_async(a, queue=queue))
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    quest = qf.make_quest(koriyama, deadline_in_days=1)
    qf.add_to_team(quest, leader, koriyama, "leader")
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
        for _ in range(3):
            notification_tasks.send_reminders.apply_async(queue=queue)
        import time

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not mail.outbox:
            time.sleep(0.1)
        time.sleep(1)
    assert [m.to for m in mail.outbox] == [["leader@city.koriyama.lg.jp"]]
    assert "提案締切" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_moved_deadline_is_reminded_again(quest):
    """Issue 10 B4: the reminder key names the deadline it reminds of."""
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=1))
    assert remind_on(TODAY) == 1
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=TODAY + timedelta(days=8))
    assert remind_on(TODAY + timedelta(days=7)) == 1
    assert remind_on(TODAY + timedelta(days=7)) == 0
