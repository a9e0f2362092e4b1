import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Notification

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
# Every mail task: acknowledged after it ran (a killed worker's mail is redelivered) and
# retried on mail-server errors with `backoff`.
MAIL_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 8,
    "default_retry_delay": 60,
}


def backoff(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 1, 2, 4 … minutes, at most an hour."""
    return min(60 * 2**retries, 3600)


@shared_task(**MAIL_TASK_OPTIONS)
def send_notification_email(self, notification_id: int) -> bool:
    try:
        return services.deliver_email(notification_id)
    except TRANSIENT_ERRORS as exc:
        final = self.request.retries >= self.max_retries
        services.record_email_failure(notification_id, repr(exc), final=final)
        if final:
            logger.error("Giving up on notification %s: %r", notification_id, exc)
            return False
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task
def send_unsent_notifications(older_than_minutes: int = 10) -> int:
    """Re-queue emails still pending after a while (a lost enqueue, a broker outage).

    Sending is idempotent per notification, so queuing one twice is harmless.
    """
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    return len(ids)
