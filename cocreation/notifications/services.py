"""notify(): the one path by which the portal tells a person something."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import kinds
from .models import Notification

logger = logging.getLogger(__name__)


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _render(text, context: dict) -> str:
    return str(text) % _SafeDict({k: "" if v is None else str(v) for k, v in context.items()})


def default_key(kind: str, recipient, obj=None, extra: str = "") -> str:
    target = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else "-"
    return f"{kind}|{target}|{recipient.pk}|{extra}"[:255]


def notify(
    recipient,
    kind: str,
    obj=None,
    *,
    context: dict | None = None,
    url: str = "",
    key: str | None = None,
    email: bool | None = None,
) -> Notification:
    """Record an in-app notification and queue its email after the transaction commits.

    Idempotent: the same key (by default kind + object + recipient) never makes a
    second notification, so a retried caller sends nothing twice.
    """
    spec = kinds.get(kind)
    key = key or default_key(kind, recipient, obj)
    language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
    context = dict(context or {})
    with translation.override(language):
        title = _render(spec.title, context)[:255]
        body = _render(spec.body, context)
    send_email = spec.email if email is None else email
    defaults = {
        "recipient": recipient,
        "kind": kind,
        "title": title,
        "body": body,
        "url": url,
        "language": language,
        "email_status": Notification.EmailStatus.PENDING
        if send_email and recipient.email
        else Notification.EmailStatus.NOT_SENT,
    }
    if obj is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(obj)
        defaults["object_id"] = str(obj.pk)
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    except IntegrityError:
        # Another transaction inserted the same key between our read and write.
        return Notification.objects.get(key=key)
    if created and notification.email_status == Notification.EmailStatus.PENDING:
        from .tasks import send_notification_email

        notification_id = notification.pk
        transaction.on_commit(lambda: send_notification_email.delay(notification_id))
    return notification


def build_email(notification: Notification) -> EmailMultiAlternatives:
    with translation.override(notification.language):
        context = {
            "notification": notification,
            "recipient": notification.recipient,
            "link": f"{settings.SITE_URL}{notification.url}" if notification.url else "",
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("notifications/email/subject.txt", context)
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={
            # Same id on every attempt, so a mail system can drop a duplicate.
            "Message-ID": f"<notification-{notification.pk}@{_mail_host()}>",
            "X-Portal-Notification": notification.kind,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _mail_host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"


def deliver_email(notification_id: int) -> bool:
    """Send one notification's email at most once; True when this call sent it.

    The row stays locked while the mail goes out, so two deliveries of the same
    task (a redelivered message, a double enqueue) queue behind each other and
    the second finds it sent. The status changes only after the send succeeded:
    a crash before that leaves it pending for the retry.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status != Notification.EmailStatus.PENDING:
            return False
        build_email(notification).send(fail_silently=False)
        notification.email_status = Notification.EmailStatus.SENT
        notification.emailed_at = timezone.now()
        notification.email_attempts += 1
        notification.last_error = ""
        notification.save(
            update_fields=["email_status", "emailed_at", "email_attempts", "last_error"]
        )
    return True


def record_email_failure(notification_id: int, error: str, *, final: bool) -> None:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.email_status != Notification.EmailStatus.PENDING:
            return
        notification.email_attempts += 1
        notification.last_error = error[:2000]
        fields = ["email_attempts", "last_error"]
        if final:
            notification.email_status = Notification.EmailStatus.FAILED
            fields.append("email_status")
        notification.save(update_fields=fields)


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
