"""Digest benchmark (issue 13): the daily digest of what 10,000 people follow, built in
bulk and mailed by ONE Celery worker.

    .venv/bin/python bench/digest.py [--followers 10000] [--quests 30] [--batch 250]

It uses its own database `cocreation_bench_digest` next to DATABASE_URL's, makes once
(timed) a region of 20 municipalities and 10,000 active members of 10 companies, each
following three things (a theme, a municipality, the region or an SDG target), nine in
ten daily and one in ten weekly. Each run deletes the digests of the run before and opens
`--quests` quests "yesterday" (JST), then starts a local SMTP server (a thread, as
bench/fanout.py) and one real Celery worker, calls `services.follows.digests_send` as the
beat task does, and measures: the time and queries to build and write every digest, the
time until the last mail arrived, connections, duplicates, mails without the one-click
unsubscribe headers, and a second run of the task (it must send nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.fanout import (  # noqa: E402
    cpu_seconds,
    forget_queue,
    start_smtp_server,
    start_worker,
    stop_worker,
)

DATABASE = "cocreation_bench_digest"
DOMAIN = "digest.example.com"
REGION_SLUG = "bench-digest"
JST = ZoneInfo("Asia/Tokyo")


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


def fill(followers: int) -> tuple[list, float]:
    """The municipalities (made once) and `followers` people with their follows; returns
    (municipalities, seconds spent making people now)."""
    from cocreation.accounts.models import User
    from cocreation.organisations.models import Membership, Organisation, Region
    from cocreation.organisations.validators import local_government_check_digit
    from quests.models import DigestSubscription, Follow, SdgTarget, Theme

    region, _ = Region.objects.get_or_create(slug=REGION_SLUG, defaults={"name": "ダイジェスト圏"})
    municipalities = []
    for n in range(20):
        first_five = f"{97000 + n:05d}"
        organisation, _ = Organisation.objects.get_or_create(
            local_government_code=first_five + str(local_government_check_digit(first_five)),
            defaults={"kind": "municipality", "name": f"ダイジェスト町{n}", "prefecture": "福島県"},
        )
        municipalities.append(organisation)
    region.organisations.add(*municipalities)
    companies = [
        Organisation.objects.get_or_create(kind="company", name=f"ダイジェスト株式会社{n}")[0]
        for n in range(10)
    ]
    themes = list(Theme.objects.order_by("pk"))
    targets = list(SdgTarget.objects.order_by("pk")[:40])
    have = User.objects.filter(email__endswith=f"@{DOMAIN}").count()
    started = time.perf_counter()
    if have < followers:
        people = User.objects.bulk_create(
            [
                User(
                    email=f"follower{n:05d}@{DOMAIN}",
                    password="!",  # never signs in
                    family_name="企業",
                    given_name=str(n),
                    preferred_language="en" if n % 10 == 0 else "ja",
                )
                for n in range(have, followers)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=person, organisation=companies[n % 10], status="active")
                for n, person in enumerate(people, start=have)
            ],
            batch_size=2000,
        )
        DigestSubscription.objects.bulk_create(
            [
                DigestSubscription(user=person, frequency="weekly" if n % 10 == 9 else "daily")
                for n, person in enumerate(people, start=have)
            ],
            batch_size=2000,
        )
        follows = []
        for n, person in enumerate(people, start=have):
            follows.append(Follow(user=person, theme=themes[n % len(themes)]))
            follows.append(Follow(user=person, municipality=municipalities[n % 20]))
            if n % 2:
                follows.append(Follow(user=person, region=region))
            else:
                follows.append(Follow(user=person, sdg_target=targets[n % len(targets)]))
        Follow.objects.bulk_create(follows, batch_size=5000)
    return municipalities, time.perf_counter() - started


def open_quests(municipalities, count: int, now: dt.datetime) -> None:
    """`count` quests opened yesterday (JST), spread over the municipalities, themes and
    SDG targets; those of an earlier run are moved out of the window first."""
    from quests.models import Quest, SdgTarget, Theme

    Quest.objects.filter(title__startswith="ベンチ新着").update(state=Quest.State.CANCELLED)
    themes = list(Theme.objects.order_by("pk"))
    targets = list(SdgTarget.objects.order_by("pk")[:40])
    yesterday = (now.astimezone(JST) - dt.timedelta(days=1)).replace(hour=12, minute=0)
    for n in range(count):
        quest = Quest.objects.create(
            title=f"ベンチ新着 {n} 地域課題の実証",
            summary="新着クエストの概要",
            background="背景",
            outcome_sought="求める成果",
            host=municipalities[n % len(municipalities)],
            state=Quest.State.OPEN,
            opened_at=yesterday,
        )
        quest.themes.add(themes[n % len(themes)])
        quest.sdg_targets.add(targets[(n * 7) % len(targets)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=10000)
    parser.add_argument("--quests", type=int, default=30)
    parser.add_argument("--batch", type=int, default=250, help="mails per task and connection")
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()

    queue = f"bench-digest-{uuid.uuid4().hex[:8]}"
    url = database_url()
    ensure_database(url)
    setup_django(url, queue)
    os.environ["NOTIFICATION_EMAIL_BATCH"] = str(options.batch)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.NOTIFICATION_EMAIL_BATCH = options.batch

    from cocreation.notifications.models import Notification
    from cocreation.notifications.services import message_id
    from quests.models import Follow
    from quests.services.follows import digests_send

    # 08:00 JST today: yesterday's daily digest is due (and, on a Monday, last week's).
    now = timezone.now().astimezone(JST).replace(hour=8, minute=0, second=0, microsecond=0)
    municipalities, made_in = fill(options.followers)
    Notification.objects.filter(kind="quest.follow_digest").delete()
    open_quests(municipalities, options.quests, now)

    server, controller = start_smtp_server()
    unsubscribe_headers = Counter()
    count_data = server.handle_DATA

    async def handle_data(smtp, session, envelope):
        # The header block only, parsed: a long List-Unsubscribe value is folded.
        head = BytesHeaderParser().parsebytes(envelope.content.partition(b"\r\n\r\n")[0])
        unsubscribe_headers["both"] += (
            str(head.get("List-Unsubscribe", "")).strip().startswith("<http")
            and head.get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        )
        return await count_data(smtp, session, envelope)

    server.handle_DATA = handle_data
    log = BASE_DIR / ".data" / "bench-digest-worker.log"
    log.parent.mkdir(exist_ok=True)
    log.unlink(missing_ok=True)
    worker = start_worker(url, queue, controller.port, options.batch, log)
    try:
        load = os.getloadavg()[0]
        cpu_before = cpu_seconds(worker.pid)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            sent = digests_send(now=now)
        built_in = time.perf_counter() - started
        told = sum(sent.values())
        deadline = started + options.timeout
        while server.count() < told and time.perf_counter() < deadline:
            time.sleep(0.05)
        delivered_in = (server.last_at or time.perf_counter()) - started
        time.sleep(1)  # anything still in flight arrives before counting
        worker_cpu = cpu_seconds(worker.pid) - cpu_before
        again_started = time.perf_counter()
        with CaptureQueriesContext(connection) as again_queries:
            again = digests_send(now=now)
        again_in = time.perf_counter() - again_started
    finally:
        stop_worker(worker)
        controller.stop()
        forget_queue(queue)

    digests = Notification.objects.filter(kind="quest.follow_digest")
    ids = Counter(received_id for received_id, _ in server.received)
    expected = {message_id(n) for n in digests.only("pk", "created_at")}
    statuses = Counter(digests.values_list("email_status", flat=True))
    tasks = log.read_text(errors="replace").count("send_notification_emails[") // 2
    rows = [
        ("followers (daily 9 in 10, weekly 1 in 10)", f"{options.followers:,}"),
        ("follows", f"{Follow.objects.count():,}"),
        ("new quests in the period", f"{options.quests}"),
        ("time to make the followers (this run)", f"{made_in:.2f} s"),
        ("digests sent (daily + weekly)", f"{sent['daily']:,} + {sent['weekly']:,}"),
        ("time to build and write them", f"{built_in:.2f} s"),
        ("queries to build and write them", f"{len(queries)}"),
        ("time until the last mail arrived", f"{delivered_in:.2f} s"),
        ("mails per second (end to end)", f"{len(server.received) / delivered_in:,.0f}"),
        (f"delivery tasks (batches of {options.batch})", f"{tasks}"),
        ("SMTP connections", f"{server.connections}"),
        ("messages received", f"{len(server.received):,}"),
        ("with List-Unsubscribe and -Post headers", f"{unsubscribe_headers['both']:,}"),
        ("duplicates (same Message-ID twice)", f"{sum(c - 1 for c in ids.values())}"),
        ("lost (no message for a digest)", f"{len(expected - set(ids))}"),
        ("digests marked sent", f"{statuses.get('sent', 0):,}"),
        ("worker CPU time (user + system)", f"{worker_cpu:.1f} s"),
        ("second run: digests sent", f"{sum(again.values())}"),
        ("second run: time / queries", f"{again_in:.2f} s / {len(again_queries)}"),
        ("machine load average at the start", f"{load:.1f}"),
    ]
    print(f"\nDigest: {options.followers:,} followers; one Celery worker (prefork, 1 child)\n")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | {'value':>15} |")
    print(f"|{'-' * (width + 2)}|{'-' * 17}|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value:>15} |")


if __name__ == "__main__":
    main()
