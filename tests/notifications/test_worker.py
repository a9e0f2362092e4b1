"""Exactly once over the real Redis broker with a real Celery worker."""

import smtplib
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from cocreation.notifications import services, tasks
from cocreation.notifications.models import Notification
from config.celery import app
from tests import factories
from tests.notifications.test_notify import CONTEXT, FlakySmtpBackend

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(monkeypatch):
    """A queue of this test's own, so parallel runs and a running portal never share it."""
    name = f"test-notifications-{uuid.uuid4().hex[:8]}"
    task = tasks.send_notification_emails
    monkeypatch.setattr(task, "delay", lambda *args: task.apply_async(args, queue=name))
    return name


@pytest.fixture
def worker(queue):
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10
    ) as running:
        yield running


def _wait_for(predicate, timeout=20):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_redelivered_or_repeated_task_sends_one_email(worker, queue):
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    notification = services.notify(recipient, "membership.declined", recipient, context=CONTEXT)
    services.notify(recipient, "membership.declined", recipient, context=CONTEXT)
    for _ in range(3):
        tasks.send_notification_emails.apply_async(([notification.pk],), queue=queue)

    def sent():
        notification.refresh_from_db()
        return notification.email_status == Notification.EmailStatus.SENT

    assert _wait_for(sent)
    # Let the duplicates run through the worker too before counting.
    broker = redis.Redis.from_url(django_settings.REDIS_URL)
    assert _wait_for(lambda: broker.llen(queue) == 0)
    _wait_for(lambda: False, timeout=1)
    assert len([m for m in mail.outbox if m.to == [recipient.email]]) == 1
    notification.refresh_from_db()
    assert notification.email_attempts == 1


def test_a_failed_send_is_kept_and_sent_once_by_the_sweep(worker, queue, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notify.FlakySmtpBackend"
    FlakySmtpBackend.failures_left = 1
    recipient = factories.make_user("jiro@city.koriyama.lg.jp", family="鈴木")
    notification = services.notify(recipient, "membership.declined", recipient, context=CONTEXT)

    def attempted():
        notification.refresh_from_db()
        return notification.email_attempts == 1

    assert _wait_for(attempted)
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert "SMTPServerDisconnected" in notification.last_error
    assert mail.outbox == []

    # The sweep queues nothing before the attempt is due, and the worker runs no retry of
    # its own; once due, the sweep queues it and the send succeeds once.
    assert tasks.send_unsent_notifications(0) == 0
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert tasks.send_unsent_notifications(0) == 1

    def sent():
        notification.refresh_from_db()
        return notification.email_status == Notification.EmailStatus.SENT

    assert _wait_for(sent)
    assert len(mail.outbox) == 1
    assert smtplib  # the flaky backend raises smtplib's own error
