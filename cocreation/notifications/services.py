"""notify(): the one path by which the portal tells a person something."""

from __future__ import annotations

import enum
import itertools
import logging
import smtplib
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
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
    """The key notify() gives a notification when the caller names none: `kind`, the
    object (`obj`, or "-") and the recipient's id, with `extra` (at most 255 characters)."""
    return _default_key(kind, recipient.pk, obj, extra)


def _default_key(kind: str, recipient_id: int, obj=None, extra: str = "") -> str:
    target = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else "-"
    return f"{kind}|{target}|{recipient_id}|{extra}"[:255]


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
    title, body = _rendered(spec, dict(context or {}), language)
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
        _queue_emails([notification.pk])
    return notification


def _rendered(spec: kinds.NotificationKind, context: dict, language: str) -> tuple[str, str]:
    """The kind's title (at most 255 characters) and body in `language`."""
    with translation.override(language):
        return _render(spec.title, context)[:255], _render(spec.body, context)


RECIPIENT_CHUNK = 1000  # recipients read and inserted per statement by notify_many


def notify_many(
    recipients: QuerySet | Iterable,
    kind: str,
    obj=None,
    *,
    context: dict | None = None,
    url: str = "",
    key_prefix: str | None = None,
    email: bool | None = None,
    contexts: Mapping[int, dict] | None = None,
) -> int:
    """notify() for many people at once (a fan-out): the same kind, object, context and
    link for every one of `recipients`; returns how many notifications were new.

    `contexts` ({user id: context}), when given, is merged over `context` for those
    people, whose title and body are then rendered for each of them (a digest listing
    what each one follows); the rows still go in one statement per chunk.

    `recipients` is a QuerySet of users, not sliced (read in chunks of `RECIPIENT_CHUNK`
    by primary key, so memory stays bounded for any number), or an iterable of User
    instances. Each
    recipient's key is `key_prefix` + "|" + their id, or notify()'s default key without
    one, so a person named twice, or a call repeated, is told once, and a fan-out that
    replaces a loop of notify() calls keeps the keys that loop made.

    Title and body are rendered once per language, not per person. Each chunk is one
    `INSERT … ON CONFLICT (key) DO NOTHING RETURNING`, so the queries grow with the
    chunks, never with the people; the new pending mails are queued after the current
    transaction commits, one task per `NOTIFICATION_EMAIL_BATCH` mails
    (`send_notification_emails`), and stay pending for the sweeper if the broker is away.
    """
    spec = kinds.get(kind)
    context = dict(context or {})
    send_email = spec.email if email is None else email
    content_type_id = ContentType.objects.get_for_model(obj).pk if obj is not None else None
    target = {
        "kind": kind,
        "content_type_id": content_type_id,
        "object_id": str(obj.pk) if obj is not None else "",
        "url": url,
    }
    texts: dict[str, tuple[str, str]] = {}
    created = 0
    for chunk in _recipient_chunks(recipients):
        rows = []
        for pk, address, language in chunk:
            language = language or settings.LANGUAGE_CODE
            own = contexts.get(pk) if contexts is not None else None
            text_key = language if own is None else f"{language}|{pk}"
            if text_key not in texts:
                merged = context if own is None else {**context, **own}
                texts[text_key] = _rendered(spec, merged, language)
            if key_prefix is None:
                key = _default_key(kind, pk, obj)
            else:
                key = f"{key_prefix}|{pk}"[:255]
            status = (
                Notification.EmailStatus.PENDING
                if send_email and address
                else Notification.EmailStatus.NOT_SENT
            )
            rows.append((pk, key, language, status, text_key))
        inserted = _insert_notifications(rows, texts, target)
        if contexts is not None:
            # Each person's own text is needed once.
            texts = {k: v for k, v in texts.items() if "|" not in k}
        created += len(inserted)
        _queue_emails([pk for pk, status in inserted if status == Notification.EmailStatus.PENDING])
    return created


def _recipient_chunks(recipients) -> Iterable[list[tuple[int, str, str]]]:
    """(id, email, preferred language) of each recipient, `RECIPIENT_CHUNK` at a time."""
    if isinstance(recipients, QuerySet):
        # Keyset pages by id: each page one query, whatever the number of people.
        rows = recipients.order_by("pk").values_list("pk", "email", "preferred_language")
        last = None
        while True:
            page = rows if last is None else rows.filter(pk__gt=last)
            chunk = list(page[:RECIPIENT_CHUNK])
            if chunk:
                yield chunk
            if len(chunk) < RECIPIENT_CHUNK:
                return
            last = chunk[-1][0]
    iterator = iter(recipients)
    while chunk := list(itertools.islice(iterator, RECIPIENT_CHUNK)):
        yield [(user.pk, user.email, getattr(user, "preferred_language", "")) for user in chunk]


_INSERT = """
WITH texts (text_key, title, body) AS (
    SELECT * FROM unnest(%(text_keys)s::text[], %(titles)s::text[], %(bodies)s::text[])
), people (recipient_id, key, language, email_status, text_key) AS (
    SELECT * FROM unnest(
        %(ids)s::bigint[], %(keys)s::text[], %(langs)s::text[], %(statuses)s::text[],
        %(row_text_keys)s::text[]
    )
)
INSERT INTO notifications_notification (
    recipient_id, kind, key, content_type_id, object_id, title, body, url, language,
    created_at, email_status, email_attempts, last_error, queued_at
)
SELECT people.recipient_id, %(kind)s, people.key, %(content_type_id)s, %(object_id)s,
       texts.title, texts.body, %(url)s, people.language, %(now)s, people.email_status, 0, '',
       CASE WHEN people.email_status = 'pending' THEN %(now)s END
FROM people JOIN texts USING (text_key)
ORDER BY people.key
ON CONFLICT (key) DO NOTHING
RETURNING id, email_status
"""


def _insert_notifications(rows, texts, target) -> list[tuple[int, str]]:
    """Insert `rows` ((recipient id, key, language, email status, text key)) with `texts`
    ({text key: (title, body)}: a language, or a language and a person) and `target`
    (kind, content type, object, url) in one statement; returns (id, email status) of the
    rows that were new. Rows are inserted in key order, so two fan-outs over the same
    people take their key locks in one order."""
    if not rows:
        return []
    text_keys = sorted({row[4] for row in rows})
    params = {
        **target,
        "text_keys": text_keys,
        "titles": [texts[text_key][0] for text_key in text_keys],
        "bodies": [texts[text_key][1] for text_key in text_keys],
        "ids": [row[0] for row in rows],
        "keys": [row[1] for row in rows],
        "langs": [row[2] for row in rows],
        "statuses": [str(row[3]) for row in rows],
        "row_text_keys": [row[4] for row in rows],
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, params)
        return cursor.fetchall()


def _queue_emails(notification_ids: list[int]) -> None:
    """Queue the mails of `notification_ids` after the current transaction commits, one
    task per `NOTIFICATION_EMAIL_BATCH`; a batch the broker does not take is marked not
    queued, so the next sweep takes it at once."""
    from .tasks import send_notification_emails

    size = settings.NOTIFICATION_EMAIL_BATCH
    for start in range(0, len(notification_ids), size):
        batch = notification_ids[start : start + size]
        enqueue_on_commit(
            send_notification_emails,
            batch,
            on_failure=lambda batch=batch: Notification.objects.filter(pk__in=batch).update(
                queued_at=None
            ),
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
            **_kind_headers(notification),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _kind_headers(notification: Notification) -> dict[str, str]:
    """The further mail headers the notification's kind adds (`mail_headers`), if any."""
    try:
        spec = kinds.get(notification.kind)
    except LookupError:
        return {}
    return spec.mail_headers(notification) if spec.mail_headers else {}


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
    """What one delivery attempt did (see `email_deliver_batch`)."""

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
    """Try once to mail one notification (`email_deliver_batch` of one); never raises for
    a mail-server fault."""
    results = email_deliver_batch(notification_ids=[notification_id])
    return results.get(notification_id, Delivery.SKIPPED)


def email_deliver_batch(*, notification_ids: list[int]) -> dict[int, Delivery]:
    """Try once to mail each of `notification_ids` over one SMTP connection; returns
    {id: Delivery} for every id given. Never raises for a mail-server fault.

    The guarantee (README, "Mail delivery"): no notification is lost, and a mail is sent
    twice only when a crash cuts the SMTP conversation after the server took the message
    but before "sent" was committed; both copies carry the same Message-ID. A batch keeps
    it mail by mail:

    1. Claim: one `UPDATE … RETURNING` takes a lease (`NOTIFICATION_EMAIL_LEASE_SECONDS`)
       on those of the ids that are pending, due and held by no live lease (rows another
       claimant is taking at this moment are skipped, `SKIP LOCKED`), and counts an
       attempt for each. It commits at once, so no row stays locked while mail goes out;
       a second task for the same mails (a redelivered message, a sweep) finds them
       leased and skips them. A long batch renews its lease halfway through, only on the
       rows it still holds.
    2. Send, outside any transaction, one message at a time over one connection
       (`get_connection()`, `send_messages`, in a thread of its own so that the next mail
       is built meanwhile), each marked sent in its own statement as soon as the server
       took it. A worker killed mid-batch may thus repeat the mail in flight and the one
       just taken, never more.
    3. A refusal concerns one mail: a 5yz refusal of its recipient, sender or content
       (`is_permanent`) marks it failed, a 4yz one schedules its next attempt (`backoff`),
       and the batch goes on. A lost connection fails the mail in flight (transient) and
       the next mail opens a new one; when no connection can be opened, every mail left
       is put back with its next attempt scheduled, as a single mail would be. Only the
       sweeper queues those attempts, so each notification has one chain of attempts.
       After `MAX_EMAIL_ATTEMPTS` a mail is marked failed for the admins' digest.

    A worker killed in the middle leaves its lease to expire; the sweeper then queues
    the mails not yet marked sent again.
    """
    results = dict.fromkeys(notification_ids, Delivery.SKIPPED)
    lease = _Lease.claim(notification_ids)
    if lease is None:
        return results
    waiting = list(
        Notification.objects.filter(pk__in=lease.ids).select_related("recipient").order_by("pk")
    )
    with _commits_without_waiting_for_the_disk():
        _send_over_one_connection(lease, waiting, results)
    return results


def _send_over_one_connection(lease: _Lease, waiting: list[Notification], results: dict) -> None:
    """Steps 2 and 3 of `email_deliver_batch` for the claimed `waiting` mails (in order);
    writes each one's outcome into `results`.

    The SMTP conversation runs in a thread of its own (`_SmtpSender`), one mail behind
    this one: while the server takes mail n, this thread builds mail n + 1 and records
    mail n - 1, so the waits on the SMTP server and on PostgreSQL overlap instead of
    adding up. Each mail is still recorded sent only after the server took it."""
    sender = _SmtpSender()
    in_flight: tuple[Notification, Future] | None = None
    try:
        while waiting or in_flight:
            if waiting:
                held = [in_flight[0], *waiting] if in_flight else waiting
                if lease.renew_if_due(held) is not None:
                    waiting = [item for item in waiting if item.pk in lease.ids]
                    continue
            done, in_flight = in_flight, None
            if waiting:
                notification = waiting.pop(0)
                try:
                    message = build_email(notification)
                except Exception as exc:  # noqa: BLE001 - a fault in rendering: give up, loudly
                    logger.exception("Mail of notification %s could not be built", notification.pk)
                    results[notification.pk] = _record_failure(notification, repr(exc), final=True)
                else:
                    in_flight = (notification, sender.submit(message))
            if done is not None:
                sent, future = done
                error = future.result()
                results[sent.pk] = _record_outcome(sent, error)
                if isinstance(error, _NoConnectionError):
                    # No connection could be opened: every mail not yet handed over waits
                    # for its next attempt, as a single mail would.
                    for item in waiting:
                        results[item.pk] = _attempt_failed(item, error.error)
                    waiting = []
    finally:
        sender.close()


class _NoConnectionError(Exception):
    """The SMTP connection could not be opened (`error`: the cause)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(repr(error))
        self.error = error


class _SmtpSender:
    """One SMTP connection (`get_connection()`), used only from one thread of its own:
    `submit(message)` hands a mail over and returns a Future of None (the server took
    it) or the exception it raised. The connection is opened on the first mail, and
    again after one was lost (`_connection_lost`)."""

    def __init__(self) -> None:
        self.backend = get_connection(fail_silently=False)
        self.is_open = False
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtp")

    def submit(self, message: EmailMultiAlternatives) -> Future:
        return self.thread.submit(self._send, message)

    def _send(self, message: EmailMultiAlternatives) -> Exception | None:
        if not self.is_open:
            try:
                self.backend.open()
            except Exception as exc:  # noqa: BLE001 - any fault of the server or the settings
                return _NoConnectionError(exc)
            self.is_open = True
        try:
            self.backend.send_messages([message])
        except Exception as exc:  # noqa: BLE001 - judged by the caller (_record_outcome)
            if isinstance(exc, TRANSIENT_ERRORS) and _connection_lost(exc):
                self._close()
            return exc
        return None

    def _close(self) -> None:
        if self.is_open:
            self.is_open = False
            _close_quietly(self.backend)

    def close(self) -> None:
        """Close the connection after the mails handed over, and end the thread."""
        self.thread.submit(self._close).result()
        self.thread.shutdown()


def _record_outcome(notification: Notification, error: Exception | None) -> Delivery:
    if error is None:
        _mark_sent(notification)
        return Delivery.SENT
    if isinstance(error, _NoConnectionError):
        return _attempt_failed(notification, error.error)
    if isinstance(error, TRANSIENT_ERRORS):
        return _attempt_failed(notification, error)
    # A fault in the backend itself: give up, loudly.
    logger.error("Mail of notification %s could not be sent", notification.pk, exc_info=error)
    return _record_failure(notification, repr(error), final=True)


def _mark_sent(notification: Notification) -> None:
    """Record `notification` sent, at once and on its own, so that a worker killed later
    in the batch never sends it again. One short statement (it runs once per mail)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notifications_notification SET email_status = 'sent', emailed_at = %s, "
            "lease_until = NULL, next_attempt_at = NULL, last_error = '' WHERE id = %s",
            [timezone.now(), notification.pk],
        )


@contextmanager
def _commits_without_waiting_for_the_disk():
    """Within the block, this connection's commits do not wait for the write-ahead log to
    reach the disk (`synchronous_commit = off`, reset after). PostgreSQL documents this as
    safe: a crash of the database server may lose the last fraction of a second of such
    commits, never corrupt anything. A batch's writes after its claim are only "sent"
    marks, failures and lease renewals: losing a "sent" sends that mail again with the
    same Message-ID, the one duplicate the guarantee admits (a crash between the SMTP
    server and the database); losing the others brings an attempt forward. Waiting for
    the disk instead costs a flush per mail, the larger part of a fan-out's time."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _attempt_failed(notification: Notification, error: Exception) -> Delivery:
    final = is_permanent(error) or notification.email_attempts >= MAX_EMAIL_ATTEMPTS
    return _record_failure(notification, repr(error), final=final)


def _connection_lost(error: Exception) -> bool:
    """Whether `error` ended the SMTP connection: a socket fault, a disconnection, or a
    421 answer (RFC 5321 §3.8: the server closes the channel; smtplib closes it too).
    After any other refusal smtplib has reset the conversation, and the connection
    carries on with the next mail."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return not isinstance(error, smtplib.SMTPException)


def _close_quietly(backend) -> None:
    try:
        backend.close()
    except Exception:  # noqa: BLE001 - the connection is gone either way
        logger.info("Closing the SMTP connection failed", exc_info=True)


def _due(now) -> Q:
    return (
        Q(email_status=Notification.EmailStatus.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )


class _Lease:
    """The lease a batch holds on its mails: `ids` it holds, until `until`."""

    # One statement: the rows locked by a concurrent claim are skipped, and PostgreSQL
    # re-checks the conditions on a row changed since the statement began, so each mail
    # has one claimant.
    CLAIM = """
        UPDATE notifications_notification
        SET lease_until = %(until)s, email_attempts = email_attempts + 1
        WHERE id IN (
            SELECT id FROM notifications_notification
            WHERE id = ANY(%(ids)s::bigint[])
              AND email_status = 'pending'
              AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s)
              AND (lease_until IS NULL OR lease_until < %(now)s)
            ORDER BY id
            FOR UPDATE SKIP LOCKED
        )
        RETURNING id
    """
    # Only rows whose lease is still this batch's own: a row another worker claimed after
    # this lease expired carries that worker's lease.
    RENEW = """
        UPDATE notifications_notification SET lease_until = %(until)s
        WHERE id = ANY(%(ids)s::bigint[]) AND lease_until = %(held)s
        RETURNING id
    """

    def __init__(self, ids: set[int], until: datetime) -> None:
        self.ids = ids
        self.until = until
        self.renew_at = time.monotonic() + settings.NOTIFICATION_EMAIL_LEASE_SECONDS / 2

    @staticmethod
    def _until(now: datetime) -> datetime:
        return now + timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)

    @classmethod
    def claim(cls, notification_ids: list[int]) -> _Lease | None:
        now = timezone.now()
        until = cls._until(now)
        with connection.cursor() as cursor:
            cursor.execute(cls.CLAIM, {"until": until, "now": now, "ids": list(notification_ids)})
            ids = {row[0] for row in cursor.fetchall()}
        return cls(ids, until) if ids else None

    def renew_if_due(self, waiting: list[Notification]) -> set[int] | None:
        """Past half the lease, extend it on the `waiting` mails this batch still holds;
        returns the ids still held then (also in `self.ids`), None when not yet due."""
        if time.monotonic() < self.renew_at:
            return None
        until = self._until(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                self.RENEW,
                {"until": until, "held": self.until, "ids": [item.pk for item in waiting]},
            )
            self.ids = {row[0] for row in cursor.fetchall()}
        self.until = until
        self.renew_at = time.monotonic() + settings.NOTIFICATION_EMAIL_LEASE_SECONDS / 2
        return self.ids


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


SWEEP_LIMIT = 5000  # mails one sweep queues at most (a minute's work of one worker)


def email_queue_due(*, stale_after: timedelta, limit: int = SWEEP_LIMIT) -> int:
    """The sweeper: queue the mails that are due and not already queued, in batches of
    `NOTIFICATION_EMAIL_BATCH` (one `send_notification_emails` task each, the path of
    every mail); returns how many mails were queued.

    A mail is taken when it is pending, due (`next_attempt_at` passed), not leased, and
    either never queued (the broker was away), queued before its current attempt became
    due (a retry), or queued longer ago than `stale_after` (the message was lost with a
    broker or a worker). `queued_at` is set in the same transaction, so overlapping sweeps
    (two beats, a slow one) queue each mail once. Rows are taken oldest first.
    """
    from .tasks import send_notification_emails

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
    size = settings.NOTIFICATION_EMAIL_BATCH
    for start in range(0, len(ids), size):
        if not enqueue(send_notification_emails, ids[start : start + size]):
            # The broker is away: leave these unqueued, so the next sweep takes them first.
            Notification.objects.filter(pk__in=ids[start:]).update(queued_at=None)
            return start
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
    _queue_emails(ids)
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
