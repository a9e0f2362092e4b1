"""Issue 10 A2: real workers killed with SIGKILL mid-batch lose no mail, and send one twice
only when the kill cut its SMTP conversation (both copies then carry one Message-ID).

A real Celery worker (prefork, two children, as in production) sends 400 notifications to
a real SMTP server (aiosmtpd, in this process) over the real Redis broker; the whole worker
process group is killed with SIGKILL six times while it sends, as a crashed container
would be, and started again. The sweeper then runs as beat would.
"""

import asyncio
import email
import json
import logging
import random
import threading
import time
import uuid
from collections import Counter

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from cocreation.notifications import services, tasks
from cocreation.notifications.models import Notification
from tests import factories
from tests.notifications.test_notify import CONTEXT
from tests.processes import free_port, kill_group, portal_env, start, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MAILS = 400
KILLS = 6
CHILDREN = 2


class RecordingSmtpServer:
    """An SMTP server that takes a little time over each message and records what it took."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        # The time a real relay takes; a kill lands inside SMTP conversations this way.
        await asyncio.sleep(0.02)
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.received.append((message["Message-ID"], envelope.rcpt_tos[0]))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.received)


@pytest.fixture
def smtp_server():
    # aiosmtpd logs every SMTP command at INFO; only its problems matter here.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = RecordingSmtpServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def queue(monkeypatch):
    name = f"test-killed-{uuid.uuid4().hex[:8]}"
    task = tasks.send_notification_emails
    monkeypatch.setattr(task, "delay", lambda *args: task.apply_async(args, queue=name))
    yield name
    _forget_queue(name)


def _forget_queue(name: str) -> None:
    """Remove this test's messages from Redis: its queue, and the unacknowledged messages
    the killed workers left (kombu keeps those in one hash for every queue)."""
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    for tag, raw in broker.hgetall("unacked").items():
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError):
            continue
        if routing_key == name:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)


def test_no_mail_is_lost_and_only_cut_conversations_are_repeated(smtp_server, queue, tmp_path):
    server, port = smtp_server
    recipients = [
        factories.make_user(f"staff{index:02d}@city.koriyama.lg.jp", family="職員")
        for index in range(40)
    ]
    for index in range(MAILS):
        services.notify(
            recipients[index % len(recipients)],
            "membership.declined",
            context=CONTEXT,
            key=f"killed-worker-test|{index}",
        )
    env = portal_env(
        CELERY_QUEUE=queue,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        NOTIFICATION_EMAIL_LEASE_SECONDS="2",
    )
    command = [
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        f"--concurrency={CHILDREN}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
    ]
    log = tmp_path / "worker.log"
    rng = random.Random(20261130)
    worker = start(command, env, log)
    try:
        for _ in range(KILLS):
            sent_before = server.count()
            # Mid-batch: the worker is sending (a few more received since it started).
            assert wait_for(lambda n=sent_before: server.count() >= n + 5, timeout=60), (
                log.read_text()
            )
            time.sleep(rng.uniform(0, 0.1))
            kill_group(worker)
            worker = start(command, env, log)
        assert server.count() < MAILS, "the batch ended before the last kill; slow it down"

        def all_sent() -> bool:
            # The sweeper, as beat runs it; a killed worker's mail is taken up once its
            # lease has expired.
            tasks.send_unsent_notifications(stale_after_seconds=5)
            return not Notification.objects.exclude(
                email_status=Notification.EmailStatus.SENT
            ).exists()

        assert wait_for(all_sent, timeout=180, interval=1), log.read_text()[-3000:]
        # Let anything still queued run through before counting.
        time.sleep(2)
    finally:
        kill_group(worker)

    ids = Counter(message_id for message_id, _ in server.received)
    notifications = {
        services.message_id(notification): (
            notification.recipient.email,
            notification.email_attempts,
        )
        for notification in Notification.objects.select_related("recipient")
    }
    lost = len(set(notifications) - set(ids))
    duplicated = sum(count - 1 for count in ids.values())
    print(
        f"\n{MAILS} notifications, {KILLS} SIGKILLs of the worker group: "
        f"received {len(server.received)}, lost {lost}, duplicated {duplicated}"
    )
    # In the portal: exactly once.
    assert Notification.objects.filter(key__startswith="killed-worker-test|").count() == MAILS
    # By mail: none lost, nothing unknown, each to its own recipient.
    assert lost == 0
    assert set(ids) == set(notifications)
    for message_id, address in server.received:
        assert notifications[message_id][0] == address
    # A copy is repeated only when a kill cut its first attempt (so it was attempted again),
    # at most one per worker child killed; the copies share the Message-ID counted here.
    for message_id, count in ids.items():
        if count > 1:
            assert notifications[message_id][1] >= count
    assert duplicated <= KILLS * CHILDREN
