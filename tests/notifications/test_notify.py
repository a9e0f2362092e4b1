"""notify(): one notification and at most one email per key, in the recipient's language."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from cocreation.notifications import services
from cocreation.notifications.models import Notification
from cocreation.notifications.services import Delivery
from tests import factories

pytestmark = pytest.mark.django_db

CONTEXT = {"organisation": "郡山市", "decider": "調整 太郎", "reason": "所属を確認できません"}


class FlakySmtpBackend(LocmemBackend):
    """Stands in for an SMTP server that drops the connection: the failure path is under
    test here, and no real SMTP server runs on this machine."""

    failures_left = 1

    def send_messages(self, messages):
        if FlakySmtpBackend.failures_left > 0:
            FlakySmtpBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingSmtpBackend(LocmemBackend):
    """Stands in for an SMTP server that refuses the recipient (550): a permanent error."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.test": (550, b"No such user")})


@pytest.fixture
def recipient(db):
    return factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤", given="花子")


def _notify(recipient, **extra):
    return services.notify(
        recipient, "membership.declined", recipient, context=CONTEXT, url="/organisations/", **extra
    )


def test_same_key_twice_records_one_notification_and_queues_one_email(
    recipient, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "cocreation.notifications.tasks.send_notification_emails.delay", queued.extend
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(recipient)
        second = _notify(recipient)
    assert first.pk == second.pk
    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert queued == [first.pk]


def test_email_is_sent_once_however_often_delivery_runs(recipient):
    notification = _notify(recipient)
    assert services.email_deliver(notification_id=notification.pk) is Delivery.SENT
    assert services.email_deliver(notification_id=notification.pk) is Delivery.SKIPPED
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert notification.email_attempts == 1


def test_plain_text_email_reads_fully_without_html(recipient, settings):
    settings.SITE_URL = "https://portal.example.jp"
    notification = _notify(recipient)
    services.email_deliver(notification_id=notification.pk)
    message = mail.outbox[0]
    assert message.to == ["hanako.sato@city.koriyama.lg.jp"]
    assert "郡山市" in message.subject
    assert "佐藤 花子 様" in message.body
    assert "所属を確認できません" in message.body
    # The link is written out in full: LGWAN gateways strip anchors and HTML.
    assert "https://portal.example.jp/organisations/" in message.body
    assert "<" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://portal.example.jp/organisations/"' in html
    assert message.extra_headers["Message-ID"] == services.message_id(notification)
    assert message.extra_headers["Message-ID"].endswith("@portal.example.jp>")


def test_email_is_in_the_recipients_language(db):
    english = factories.make_user("visitor@example.com", preferred_language="en")
    notification = _notify(english)
    services.email_deliver(notification_id=notification.pk)
    body = mail.outbox[0].body
    assert "declined your request" in body
    assert "Dear" in body


def test_smtp_failure_keeps_the_email_pending_and_the_attempt_when_due_sends_it(
    recipient, settings
):
    settings.EMAIL_BACKEND = "tests.notifications.test_notify.FlakySmtpBackend"
    FlakySmtpBackend.failures_left = 1
    notification = _notify(recipient)
    assert services.email_deliver(notification_id=notification.pk) is Delivery.RETRY_LATER
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert notification.email_attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    assert notification.lease_until is None
    wait = notification.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)

    # Not before it is due, however often a task for it runs.
    assert services.email_deliver(notification_id=notification.pk) is Delivery.SKIPPED
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert services.email_deliver(notification_id=notification.pk) is Delivery.SENT
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert notification.email_attempts == 2
    assert len(mail.outbox) == 1


def test_attempts_back_off_then_the_mail_is_given_up_and_kept_for_the_admins(recipient, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notify.FlakySmtpBackend"
    FlakySmtpBackend.failures_left = services.MAX_EMAIL_ATTEMPTS
    notification = _notify(recipient)
    waits = []
    for _ in range(services.MAX_EMAIL_ATTEMPTS - 1):
        assert services.email_deliver(notification_id=notification.pk) is Delivery.RETRY_LATER
        notification.refresh_from_db()
        waits.append(round((notification.next_attempt_at - timezone.now()).total_seconds() / 60))
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert services.email_deliver(notification_id=notification.pk) is Delivery.GAVE_UP
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.FAILED
    assert notification.failed_at is not None
    assert notification.email_attempts == services.MAX_EMAIL_ATTEMPTS
    assert services.email_deliver(notification_id=notification.pk) is Delivery.SKIPPED
    assert mail.outbox == []


def test_a_refused_recipient_is_given_up_at_once(recipient, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notify.RefusingSmtpBackend"
    notification = _notify(recipient)
    assert services.email_deliver(notification_id=notification.pk) is Delivery.GAVE_UP
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.FAILED
    assert "SMTPRecipientsRefused" in notification.last_error
