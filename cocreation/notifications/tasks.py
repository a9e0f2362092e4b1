"""The mail tasks of notifications: one attempt per mail, mails in batches over one SMTP
connection, the schedule kept in PostgreSQL."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)

# Account mails (cocreation.accounts.tasks) have no row of their own to keep their state,
# so they retry through Celery with these options; notifications do not (see
# services.email_deliver_batch).
TRANSIENT_ERRORS = services.TRANSIENT_ERRORS
MAIL_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": services.MAX_EMAIL_ATTEMPTS,
    "default_retry_delay": 60,
}


def backoff(retries: int) -> int:
    """Seconds before Celery retry number `retries` + 1: 1, 2, 4 … minutes, at most an hour."""
    return int(services.backoff(retries + 1).total_seconds())


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_notification_emails(notification_ids: list[int]) -> dict[str, int]:
    """One delivery attempt of each of `notification_ids` over one SMTP connection
    (`services.email_deliver_batch`): the task of every notification mail, one alone
    (notify) or a batch (notify_many, the sweeper). Returns how many mails ended each way
    ({"sent": 240, "retry_later": 1, …}).

    No Celery retry: a failed attempt records when the next one is due, and the sweeper
    queues it then, so a notification never has two chains of attempts.
    """
    results = services.email_deliver_batch(notification_ids=notification_ids)
    counts: dict[str, int] = {}
    for delivery in results.values():
        counts[delivery.value] = counts.get(delivery.value, 0) + 1
    return counts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_notification_email(notification_id: int) -> str:
    """One delivery attempt of one notification's mail (`services.email_deliver`): kept
    for the messages an earlier release left in the broker; the portal now queues
    `send_notification_emails`."""
    return services.email_deliver(notification_id=notification_id).value


@shared_task
def send_unsent_notifications(stale_after_seconds: int | None = None) -> int:
    """The sweeper (every minute): queue the mails that are due and not queued.

    `stale_after_seconds` (default `NOTIFICATION_EMAIL_STALE_SECONDS`) is how long a queued
    mail may wait before it is taken for lost (a broker restarted, a worker killed).
    """
    if stale_after_seconds is None:
        stale_after_seconds = settings.NOTIFICATION_EMAIL_STALE_SECONDS
    return services.email_queue_due(stale_after=timedelta(seconds=stale_after_seconds))


@shared_task
def report_failed_emails() -> int:
    """Daily: tell the site administrators of the mails given up on in the last day."""
    until = timezone.now()
    return services.email_report_failures(since=until - timedelta(days=1), until=until)


@shared_task
def send_reminders() -> dict[str, int]:
    """Every 15 minutes: every app's due reminders, once each (notifications/reminders.py)."""
    from .reminders import run_reminders

    return run_reminders()
