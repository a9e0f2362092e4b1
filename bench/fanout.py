"""Fan-out benchmark: one notification to 10,000 people, mailed by ONE Celery worker.

    .venv/bin/python bench/fanout.py [--recipients 10000] [--batch 250] [--timeout 300]

It uses its own database `cocreation_bench_fanout` next to DATABASE_URL's (default
postgresql://postgres@127.0.0.1:5432), makes the people once (10,000 active members of
the organisations of one region), starts a local SMTP server (aiosmtpd, a thread of this
process) that counts connections, messages and Message-IDs, and one real Celery worker
(`celery -A config worker --concurrency=1`, prefork, its own queue, the real Redis
broker, the SMTP backend pointed at that server). Then it sends a region announcement
(`organisations.services.announcement_send`, i.e. notify_many over the region's members)
and measures how long creating the notifications took, how long until the last mail
arrived, and how many connections, messages and duplicates the server saw.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import free_port  # noqa: E402

DATABASE = "cocreation_bench_fanout"
REGION_SLUG = "bench-fanout"
DOMAIN = "fanout.example.jp"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cocreation")
    return urlsplit(url)._replace(path=f"/{DATABASE}").geturl()


def ensure_database(url: str) -> None:
    import psycopg

    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def setup_django(url: str, queue: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["CELERY_QUEUE"] = queue
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(recipients: int):
    """One region of 20 municipalities, `recipients` users each an active member of one;
    a site administrator who sends. Made once; returns (region, sender)."""
    from cocreation.accounts.models import User
    from cocreation.organisations.models import Membership, Organisation, Region
    from cocreation.organisations.validators import local_government_check_digit

    region, _ = Region.objects.get_or_create(slug=REGION_SLUG, defaults={"name": "ベンチ広域圏"})
    organisations = []
    for n in range(20):
        first_five = f"{98000 + n:05d}"
        organisation, _ = Organisation.objects.get_or_create(
            local_government_code=first_five + str(local_government_check_digit(first_five)),
            defaults={"kind": "municipality", "name": f"ベンチ町{n}", "prefecture": "福島県"},
        )
        organisations.append(organisation)
    region.organisations.add(*organisations)
    # The sender: a site administrator (no membership, so the people told are exactly
    # the members made below).
    sender, _ = User.objects.get_or_create(
        email=f"admin@{DOMAIN}",
        defaults={"family_name": "管理", "given_name": "花子", "password": "!", "is_staff": True},
    )
    have = User.objects.filter(email__startswith="member", email__endswith=f"@{DOMAIN}").count()
    if have < recipients:
        people = User.objects.bulk_create(
            [
                User(
                    email=f"member{n:05d}@{DOMAIN}",
                    password="!",  # never signs in
                    family_name="職員",
                    given_name=str(n),
                    preferred_language="en" if n % 10 == 0 else "ja",
                )
                for n in range(have, recipients)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=person,
                    organisation=organisations[n % len(organisations)],
                    status="active",
                )
                for n, person in enumerate(people)
            ],
            batch_size=2000,
        )
        print(f"made {len(people)} people")
    return region, sender


class CountingSmtpServer:
    """Counts connections; keeps (Message-ID, recipient) of every message taken."""

    def __init__(self) -> None:
        self.connections = 0
        self.received: list[tuple[str, str]] = []
        self.last_at = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        # The Message-ID read from the header block only: a relay does not parse the body,
        # and this server shares the machine with the worker it measures.
        match = MESSAGE_ID.search(envelope.content.partition(b"\r\n\r\n")[0])
        message_id = match.group(1).decode() if match else ""
        with self._lock:
            for address in envelope.rcpt_tos:
                self.received.append((message_id, address))
            self.last_at = time.perf_counter()
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.received)


def start_smtp_server() -> tuple[CountingSmtpServer, object]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    handler = CountingSmtpServer()

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            handler.connections += 1
            super().connection_made(transport)

    class CountingController(Controller):
        def factory(self):
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = CountingController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.connections = 0  # the controller's own check that it is up
    return handler, controller


def start_worker(url: str, queue: str, smtp_port: int, batch: int, log: Path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
        "NOTIFICATION_EMAIL_BATCH": str(batch),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    out = log.open("wb")
    worker = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return worker


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process `pid` and its children alive now."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, …; utime and stime are fields 14 and 15 of stat.
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stop_worker(worker) -> None:
    try:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


def forget_queue(queue: str) -> None:
    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=250, help="mails per task and connection")
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()

    queue = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    url = database_url()
    ensure_database(url)
    setup_django(url, queue)
    os.environ["NOTIFICATION_EMAIL_BATCH"] = str(options.batch)
    from django.conf import settings

    settings.NOTIFICATION_EMAIL_BATCH = options.batch

    from cocreation.notifications.models import Notification
    from cocreation.organisations.services import announcement_send

    region, sender = fill(options.recipients)
    Notification.objects.all().delete()  # each run starts with no notifications

    server, controller = start_smtp_server()
    log = BASE_DIR / ".data" / "bench-fanout-worker.log"
    log.parent.mkdir(exist_ok=True)
    log.unlink(missing_ok=True)
    worker = start_worker(url, queue, controller.port, options.batch, log)
    try:
        load = os.getloadavg()[0]
        cpu_before = cpu_seconds(worker.pid)
        own_before = time.process_time()
        started = time.perf_counter()
        told = announcement_send(
            region=region,
            user=sender,
            title="年末年始の窓口について",
            body="12月29日から1月3日まで、ポータルの問い合わせ窓口はお休みします。\n"
            "急ぎのご用件は各団体の担当者へご連絡ください。",
        )
        created_in = time.perf_counter() - started
        deadline = started + options.timeout
        while server.count() < told and time.perf_counter() < deadline:
            time.sleep(0.05)
        delivered_in = (server.last_at or time.perf_counter()) - started
        time.sleep(1)  # anything still in flight arrives before counting
        worker_cpu = cpu_seconds(worker.pid) - cpu_before
        # This process: the announcement (notify_many) and the SMTP server's thread.
        own_cpu = time.process_time() - own_before
    finally:
        stop_worker(worker)
        controller.stop()
        forget_queue(queue)

    from cocreation.notifications.services import message_id

    ids = Counter(received_id for received_id, _ in server.received)
    expected = {message_id(n) for n in Notification.objects.only("pk", "created_at")}
    statuses = Counter(Notification.objects.values_list("email_status", flat=True))
    tasks = log.read_text(errors="replace").count("send_notification_emails[")
    tasks //= 2  # each task logs "received" and "succeeded"
    rows = [
        ("recipients (active members of the region)", f"{told:,}"),
        ("notifications created", f"{Notification.objects.count():,}"),
        ("time to create them (notify_many)", f"{created_in:.2f} s"),
        ("time until the last mail arrived", f"{delivered_in:.2f} s"),
        ("mails per second (end to end)", f"{len(server.received) / delivered_in:,.0f}"),
        (f"delivery tasks (batches of {options.batch})", f"{tasks}"),
        ("SMTP connections", f"{server.connections}"),
        ("messages received", f"{len(server.received):,}"),
        ("duplicates (same Message-ID twice)", f"{sum(c - 1 for c in ids.values())}"),
        ("lost (no message for a notification)", f"{len(expected - set(ids))}"),
        ("notifications marked sent", f"{statuses.get('sent', 0):,}"),
        ("worker CPU time (user + system)", f"{worker_cpu:.1f} s"),
        ("CPU time of notify_many + the SMTP server", f"{own_cpu:.1f} s"),
        ("machine load average at the start", f"{load:.1f}"),
    ]
    print(f"\nFan-out: one announcement to {told:,} people; one Celery worker (prefork, 1 child)\n")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | {'value':>9} |")
    print(f"|{'-' * (width + 2)}|{'-' * 11}|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value:>9} |")


if __name__ == "__main__":
    main()
