"""notify(): the one path by which the portal tells a person something."""

from __future__ import annotations

import enum
import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from cocreation.core.dates import jdatetime
from cocreation.core.queue import enqueue, enqueue_on_commit

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

    `recipient` is a User; `kind` a registered kind's name; `obj` the model instance the
    notification is about (its link target for the admin); `context` fills the kind's
    %(name)s fields; `url` is a path on this site; `email` overrides the kind's default.

    Idempotent: the same key (by default kind + object + recipient) never makes a
    second notification, so a retried caller sends nothing twice. Never fails because
    the broker is away: the mail then stays pending in PostgreSQL for the sweeper.
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
    if defaults["email_status"] == Notification.EmailStatus.PENDING:
        # Counted as queued from now: should the enqueue after commit fail, the
        # callback clears it so the next sweep takes the mail at once.
        defaults["queued_at"] = timezone.now()
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    except IntegrityError:
        # Another transaction inserted the same key between our read and write.
        return Notification.objects.get(key=key)
    if created and notification.email_status == Notification.EmailStatus.PENDING:
        _queue_email(notification.pk)
    return notification


def _queue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    enqueue_on_commit(
        send_notification_email,
        notification_id,
        on_failure=lambda: Notification.objects.filter(pk=notification_id).update(queued_at=None),
    )


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
            "Message-ID": message_id(notification),
            "X-Portal-Notification": notification.kind,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def message_id(notification: Notification) -> str:
    """The mail's Message-ID (RFC 5322 §3.6.4): the same on every attempt, so a mail
    system can drop a copy sent twice, and unique for ever: the creation time (in
    microseconds) is part of it, so a notification that reuses an id after a restore of
    an older backup never looks like one already delivered."""
    created = int(notification.created_at.timestamp() * 1_000_000)
    return f"<notification-{notification.pk}.{created}@{_mail_host()}>"


def _mail_host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "localhost"


class Delivery(enum.Enum):
    """What one delivery attempt did (see `email_deliver`)."""

    SENT = "sent"
    SKIPPED = "skipped"  # not pending, not due yet, or another worker holds the lease
    RETRY_LATER = "retry_later"
    GAVE_UP = "gave_up"


MAX_EMAIL_ATTEMPTS = 8
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def is_permanent(error: Exception) -> bool:
    """Whether another attempt cannot change the SMTP server's answer: a refusal of the
    recipients, the sender or the message with a 5yz code (RFC 5321 §4.2.1). 4yz answers
    (greylisting, throttling: 421, 450, 451, 452) are transient and tried again, as are
    lost connections and authentication failures (a settings fix makes them pass)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return error.smtp_code >= 500
    return False


def backoff(attempts: int) -> timedelta:
    """The wait after failed attempt number `attempts` (1-based): 1, 2, 4 … minutes, at most
    an hour, so 8 attempts span about two hours."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def email_deliver(*, notification_id: int) -> Delivery:
    """Try once to mail one notification; never raises for a mail-server fault.

    The guarantee (README, "Mail delivery"): no notification is lost, and a mail is sent
    twice only when a crash cuts the SMTP conversation after the server took the message
    but before "sent" was committed; both copies carry the same Message-ID.

    1. Claim: one UPDATE takes a lease (`NOTIFICATION_EMAIL_LEASE_SECONDS`) on a pending,
       due notification that no live lease holds, and counts the attempt. It commits at
       once, so the row is not locked while the mail goes out. A second task for the same
       notification (a redelivered or repeated message) finds the lease and skips.
    2. Send, outside any transaction.
    3. Mark sent, or record the error: a transient one schedules the next attempt
       (`backoff`), which only the sweeper queues, so each notification has one chain
       of attempts whatever the sweeper or the broker repeat. After `MAX_EMAIL_ATTEMPTS`,
       or on a permanent refusal, the mail is marked failed for the admins' digest.

    A worker killed between 1 and 3 leaves the lease to expire; the sweeper then queues
    the mail again.
    """
    notification = _claim(notification_id)
    if notification is None:
        return Delivery.SKIPPED
    try:
        build_email(notification).send(fail_silently=False)
    except TRANSIENT_ERRORS as exc:
        final = is_permanent(exc) or notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        return _record_failure(notification, repr(exc), final=final)
    except Exception as exc:  # noqa: BLE001 - a fault in rendering or the backend: give up, loudly
        logger.exception("Mail of notification %s could not be built or sent", notification_id)
        return _record_failure(notification, repr(exc), final=True)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=Notification.EmailStatus.SENT,
        emailed_at=timezone.now(),
        lease_until=None,
        next_attempt_at=None,
        last_error="",
    )
    return Delivery.SENT


def _due(now) -> Q:
    return (
        Q(email_status=Notification.EmailStatus.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    # One statement: PostgreSQL re-checks the WHERE clause after waiting on a concurrent
    # claim of the same row, so exactly one claimant wins.
    claimed = Notification.objects.filter(_due(now), pk=notification_id).update(
        lease_until=lease_until, email_attempts=F("email_attempts") + 1
    )
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def _record_failure(notification: Notification, error: str, *, final: bool) -> Delivery:
    now = timezone.now()
    changes = {"lease_until": None, "last_error": error[:2000]}
    if final:
        changes |= {"email_status": Notification.EmailStatus.FAILED, "failed_at": now}
        logger.error("Gave up mailing notification %s: %s", notification.pk, error)
    else:
        changes["next_attempt_at"] = now + backoff(notification.email_attempts)
    Notification.objects.filter(
        pk=notification.pk, email_status=Notification.EmailStatus.PENDING
    ).update(**changes)
    return Delivery.GAVE_UP if final else Delivery.RETRY_LATER


def email_queue_due(*, stale_after: timedelta, limit: int = 500) -> int:
    """The sweeper: queue the mails that are due and not already queued; returns how many.

    A mail is taken when it is pending, due (`next_attempt_at` passed), not leased, and
    either never queued (the broker was away), queued before its current attempt became
    due (a retry), or queued longer ago than `stale_after` (the message was lost with a
    broker or a worker). `queued_at` is set in the same transaction, so overlapping sweeps
    (two beats, a slow one) queue each mail once. Rows are taken oldest first.
    """
    from .tasks import send_notification_email

    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(_due(now))
            .filter(
                Q(queued_at__isnull=True)
                | Q(queued_at__lt=now - stale_after)
                | Q(queued_at__lt=F("next_attempt_at"))
            )
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(queued_at=now)
    for position, notification_id in enumerate(ids):
        if not enqueue(send_notification_email, notification_id):
            # The broker is away: leave these unqueued, so the next sweep takes them first.
            Notification.objects.filter(pk__in=ids[position:]).update(queued_at=None)
            return position
    return len(ids)


def email_requeue_failed(*, notification_ids: list[int]) -> int:
    """Give failed mails (`notification_ids`, any status; only failed ones change) a new
    series of attempts, queued after the current transaction commits; returns how many."""
    ids = list(
        Notification.objects.filter(
            pk__in=notification_ids, email_status=Notification.EmailStatus.FAILED
        ).values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        email_status=Notification.EmailStatus.PENDING,
        email_attempts=0,
        next_attempt_at=None,
        lease_until=None,
        failed_at=None,
        queued_at=timezone.now(),
    )
    for notification_id in ids:
        _queue_email(notification_id)
    return len(ids)


def email_report_failures(*, since: datetime, until: datetime) -> int:
    """Tell every active site administrator (staff or superuser), in the portal, of the
    mails the portal gave up on between `since` and `until` (aware datetimes); returns
    the number of admins told.

    One digest per admin per day (the key names `until`'s date in JST); nothing when no
    mail failed. The digest is not mailed: mail may be what is failing.
    """
    from django.contrib.auth import get_user_model

    failures = list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.FAILED, failed_at__gte=since, failed_at__lt=until
        )
        .select_related("recipient")
        .order_by("failed_at", "pk")
    )
    if not failures:
        return 0
    shown = failures[:DIGEST_ROWS]
    more = len(failures) - len(shown)
    # Site administrators as everywhere else (permissions.is_site_admin): staff or superuser.
    admins = list(
        get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    )
    day = timezone.localtime(until).date().isoformat()
    for admin in admins:
        with translation.override(admin.preferred_language or settings.LANGUAGE_CODE):
            lines = [
                f"- {jdatetime(item.failed_at)} {item.recipient.email} [{item.kind}] "
                f"{item.title} ({item.email_attempts}): {item.last_error[:200]}"
                for item in shown
            ]
            if more:
                lines.append(
                    ngettext("… and %(count)d more", "… and %(count)d more", more) % {"count": more}
                )
        notify(
            admin,
            kinds.EMAIL_FAILURE_DIGEST.name,
            context={"count": len(failures), "failures": "\n".join(lines)},
            url=FAILED_LIST_URL,
            key=f"{kinds.EMAIL_FAILURE_DIGEST.name}|{day}|{admin.pk}",
            email=False,
        )
    return len(admins)


DIGEST_ROWS = 50
FAILED_LIST_URL = "/admin/notifications/notification/?email_status__exact=failed"


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark `user`'s unread notifications read: those of `notification_ids` (others' ids
    are ignored), or all of them when None; returns how many changed. Marking a read one
    again changes nothing, so a repeated request is harmless."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
