"""Account mails (verification codes, "you already have an account", password reset)
go out from a worker, not while the person waits: the answer to a sign-up then takes the
same time whether or not the address already has an account, and a slow mail server
cannot hold a web worker."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from cocreation.core.queue import enqueue_on_commit
from cocreation.notifications.tasks import MAIL_TASK_OPTIONS, TRANSIENT_ERRORS, backoff

logger = logging.getLogger(__name__)


def message_parts(message) -> dict:
    """The parts of a rendered `EmailMessage` a task can carry (strings and lists only)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def build_message(parts: dict) -> EmailMultiAlternatives:
    """The mail described by `message_parts`."""
    message = EmailMultiAlternatives(
        subject=parts["subject"],
        body=parts["body"],
        from_email=parts["from_email"],
        to=parts["to"],
        headers=parts.get("headers") or {},
    )
    for content, mimetype in parts.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    return message


def send_after_commit(message) -> None:
    """Queue a rendered mail for the worker once the current transaction commits.

    If the broker cannot be reached the mail is sent here instead: a sign-up must not
    fail, nor its code be lost, because Redis is briefly away. If the mail server fails
    too, the error is logged and the person can ask for a new code on the page.
    """
    parts = message_parts(message)

    def send_here() -> None:
        try:
            build_message(parts).send()
        except Exception:  # noqa: BLE001 - a mail fault must not undo the sign-up
            logger.exception("Could not send an account mail to %s.", parts["to"])

    enqueue_on_commit(send_account_mail, parts, on_failure=send_here)


@shared_task(**MAIL_TASK_OPTIONS)
def send_account_mail(self, parts: dict) -> None:
    """Send one account mail (`parts` from `message_parts`); retried on mail server errors."""
    try:
        build_message(parts).send(fail_silently=False)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            logger.error("Giving up on an account mail to %s: %r", parts["to"], exc)
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
