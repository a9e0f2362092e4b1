"""Issue 10 A2: one chain of attempts per notification, a stable Message-ID, and the site
administrators told of the mails the portal gave up on."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications import services, tasks
from cocreation.notifications.models import Notification
from cocreation.notifications.services import Delivery
from tests import factories
from tests.notifications.test_notify import CONTEXT, FlakySmtpBackend
from tests.parallel import at_once


class GreylistingSmtpBackend(LocmemBackend):
    """Stands in for an SMTP server that greylists (451 to RCPT): a transient refusal."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.test": (451, b"4.7.1 Greylisted")})


@pytest.fixture
def queued(monkeypatch):
    """What the sweeper hands to the broker, in order (the broker itself is not under test
    here; tests/notifications/test_worker.py runs the real one)."""
    sent = []
    monkeypatch.setattr(tasks.send_notification_emails, "delay", sent.extend)
    return sent


def _notify(recipient, index=0):
    return services.notify(
        recipient, "membership.declined", context=CONTEXT, key=f"delivery-test|{index}"
    )


@pytest.mark.django_db
def test_sweeps_queue_a_retrying_mail_once_per_attempt(queued, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notify.FlakySmtpBackend"
    FlakySmtpBackend.failures_left = 1
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    notification = _notify(recipient)
    # Queued by notify() (after commit); the sweeps leave it alone while it is fresh.
    assert tasks.send_unsent_notifications() == 0
    assert services.email_deliver(notification_id=notification.pk) is Delivery.RETRY_LATER
    # Before the next attempt is due, no sweep queues it, however often it runs.
    for _ in range(3):
        assert tasks.send_unsent_notifications() == 0
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert tasks.send_unsent_notifications() == 1
    assert tasks.send_unsent_notifications() == 0
    assert tasks.send_unsent_notifications() == 0
    assert queued == [notification.pk]


@pytest.mark.django_db
def test_a_mail_whose_queueing_failed_is_taken_by_the_next_sweep(queued):
    recipient = factories.make_user("jiro@city.koriyama.lg.jp", family="鈴木")
    notification = _notify(recipient)
    Notification.objects.filter(pk=notification.pk).update(queued_at=None)
    assert tasks.send_unsent_notifications() == 1
    assert tasks.send_unsent_notifications() == 0
    assert queued == [notification.pk]


@pytest.mark.django_db
def test_a_message_lost_with_the_broker_is_queued_again_after_a_while(queued):
    recipient = factories.make_user("jiro@city.koriyama.lg.jp", family="鈴木")
    notification = _notify(recipient)
    Notification.objects.filter(pk=notification.pk).update(
        queued_at=timezone.now() - timedelta(minutes=11)
    )
    assert tasks.send_unsent_notifications() == 1
    assert queued == [notification.pk]


@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_queue_each_mail_once(queued):
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    for index in range(30):
        _notify(recipient, index)
    Notification.objects.update(queued_at=None)
    queued.clear()
    counts = at_once(tasks.send_unsent_notifications, 4)
    assert sum(counts) == 30
    assert sorted(queued) == sorted(Notification.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_notification_send_it_once():
    from django.core import mail

    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    notification = _notify(recipient)
    results = at_once(lambda: services.email_deliver(notification_id=notification.pk), 5)
    assert sorted(r.value for r in results) == ["sent"] + ["skipped"] * 4
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_every_attempt_carries_the_same_message_id(settings):
    settings.SITE_URL = "https://portal.example.jp"
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    notification = _notify(recipient)
    first = services.build_email(notification).extra_headers["Message-ID"]
    second = services.build_email(notification).extra_headers["Message-ID"]
    assert first == second
    assert first.startswith(f"<notification-{notification.pk}.")
    assert first.endswith("@portal.example.jp>")


@pytest.mark.django_db
def test_a_message_id_is_never_reused_after_a_restore(settings):
    """A restore of an older backup rewinds the id sequence; a new notification that gets
    an id already mailed must not look like a copy of that mail."""
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    notification = _notify(recipient)
    before = services.message_id(notification)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at + timedelta(days=3)
    )
    notification.refresh_from_db()
    assert services.message_id(notification) != before


def _given_up(recipient, index, error="SMTPServerDisconnected('connection closed')"):
    notification = _notify(recipient, index)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=Notification.EmailStatus.FAILED,
        email_attempts=services.MAX_EMAIL_ATTEMPTS,
        last_error=error,
        failed_at=timezone.now() - timedelta(hours=1),
    )
    return notification


@pytest.mark.django_db
def test_site_admins_are_told_each_day_of_the_mails_given_up(site_admin):
    staff_admin = factories.make_user("staff.admin@portal.example.test", family="職員")
    staff_admin.is_staff = True
    staff_admin.save(update_fields=["is_staff"])
    member = factories.make_user("member@city.koriyama.lg.jp", family="職員")
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    _given_up(recipient, 1)
    _given_up(recipient, 2, error="SMTPRecipientsRefused(550)")

    assert tasks.report_failed_emails() == 2
    assert tasks.report_failed_emails() == 2  # run twice on one day: still one digest each
    digests = Notification.objects.filter(kind="notifications.email_failure_digest")
    assert {d.recipient for d in digests} == {site_admin, staff_admin}
    digest = digests.get(recipient=site_admin)
    assert digest.email_status == Notification.EmailStatus.NOT_SENT  # in the portal only
    assert digest.title == "2件のメールを送信できませんでした"
    assert "hanako.sato@city.koriyama.lg.jp" in digest.body
    assert "SMTPRecipientsRefused(550)" in digest.body
    assert "年" in digest.body and "日(" in digest.body  # dates as 2026年11月30日(月)
    assert digest.url == "/admin/notifications/notification/?email_status__exact=failed"
    assert not Notification.objects.filter(
        recipient=member, kind="notifications.email_failure_digest"
    ).exists()


@pytest.mark.django_db
def test_greylisting_and_throttling_are_tried_again(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.GreylistingSmtpBackend"
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    notification = _notify(recipient)
    assert services.email_deliver(notification_id=notification.pk) is Delivery.RETRY_LATER
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert "451" in notification.last_error


@pytest.mark.django_db
def test_no_digest_when_no_mail_failed(site_admin):
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    _notify(recipient)
    assert tasks.report_failed_emails() == 0
    assert not Notification.objects.filter(kind="notifications.email_failure_digest").exists()


@pytest.mark.django_db
def test_the_admin_list_shows_the_error_and_sends_failed_mails_again(
    client, site_admin, queued, django_capture_on_commit_callbacks
):
    recipient = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    failed = _given_up(recipient, 1, error="SMTPServerDisconnected('gateway down')")
    client.force_login(site_admin)
    changelist = reverse("admin:notifications_notification_changelist")
    html = client.get(changelist, {"email_status__exact": "failed"}).content.decode()
    assert "gateway down" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "requeue_failed_emails", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1件のメールを再送します。" in response.content.decode()
    failed.refresh_from_db()
    assert failed.email_status == Notification.EmailStatus.PENDING
    assert failed.email_attempts == 0 and failed.failed_at is None
    assert queued == [failed.pk]
