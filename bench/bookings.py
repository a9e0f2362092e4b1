"""Booking benchmark: bookings per second through the booking service over real PostgreSQL,
with concurrent clients (separate processes, each with its own connection and real
transactions, as gunicorn workers would be).

    .venv/bin/python bench/bookings.py [--clients 10] [--bookings 100]

Three scenarios, each with every client making --bookings attempts:
- one space: every client books its own free slots of the same space, so all of them
  queue on that space's lock (the price of the no-double-booking guarantee);
- 50 spaces: each client books on its own spaces, so the locks rarely meet;
- same slots: every client asks for the same slots of one space at once; exactly one
  wins each slot and the others are refused with the "taken" reason.

It uses the database `cocreation_bench` next to DATABASE_URL's (as bench/run.py does),
makes its spaces and users once and removes its earlier bookings before each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import database_url, ensure_database, setup_django  # noqa: E402

SPACES = 50
HOST = "ベンチ予約市"
OPENS, CLOSES = dt.time(6, 0), dt.time(22, 0)
SLOTS_PER_DAY = 32  # 30-minute slots from 06:00 to 22:00


def prepare(clients: int) -> None:
    """Fifty spaces open every day 06:00–22:00 and one staff user per client."""
    from cocreation.accounts.models import User
    from cocreation.organisations.models import Membership, Organisation, Region
    from cocreation.organisations.validators import local_government_check_digit
    from spaces.models import Booking, OpeningHours, Space

    region, _ = Region.objects.get_or_create(slug="bench", defaults={"name": "ベンチ圏域"})
    code5 = "99001"
    host, _ = Organisation.objects.get_or_create(
        local_government_code=code5 + str(local_government_check_digit(code5)),
        defaults={
            "name": HOST,
            "name_kana": "ベンチヨヤクシ",
            "kind": "municipality",
            "prefecture": "福島県",
        },
    )
    host.regions.add(region)
    for n in range(clients):
        user, created = User.objects.get_or_create(
            email=f"booker{n}@bench-booking.example.jp",
            defaults={
                "family_name": "予約",
                "given_name": f"{n}",
                "family_name_kana": "ヨヤク",
                "given_name_kana": "タロウ",
            },
        )
        Membership.objects.get_or_create(
            user=user, organisation=host, defaults={"role": "member", "status": "active"}
        )
    have = Space.objects.filter(host=host).count()
    for n in range(have, SPACES):
        space = Space.objects.create(
            name=f"ベンチ会議室 {n + 1}",
            building="ベンチ庁舎",
            address="福島県郡山市",
            capacity=10,
            host=host,
            opens_on=dt.date(2020, 1, 1),
            closes_on=None,
            closed_on_public_holidays=False,
            slot_minutes=30,
            min_booking_minutes=30,
            max_booking_minutes=240,
            book_ahead_days=3650,
        )
        space.allowed_organisations.add(host)
        OpeningHours.objects.bulk_create(
            OpeningHours(space=space, weekday=w, opens_at=OPENS, closes_at=CLOSES) for w in range(7)
        )
    Booking.objects.filter(space__host=host).delete()


def slot(index: int) -> tuple[dt.datetime, dt.datetime]:
    """The index-th 30-minute slot from tomorrow 06:00, Asia/Tokyo."""
    from django.utils import timezone

    tokyo = timezone.get_current_timezone()
    day = timezone.localdate() + dt.timedelta(days=1 + index // SLOTS_PER_DAY)
    start = dt.datetime.combine(day, OPENS, tzinfo=tokyo) + dt.timedelta(
        minutes=30 * (index % SLOTS_PER_DAY)
    )
    return start, start + dt.timedelta(minutes=30)


def client(args) -> dict:
    scenario, n, clients, attempts, url, barrier = args
    setup_django(url, migrate=False)
    from cocreation.accounts.models import User
    from spaces.models import Space
    from spaces.services import bookings as services

    user = User.objects.get(email=f"booker{n}@bench-booking.example.jp")
    spaces = list(Space.objects.filter(host__name=HOST).order_by("pk"))
    plan = []
    for i in range(attempts):
        if scenario == "one space":
            plan.append((spaces[0], i * clients + n))  # own slots, shared lock
        elif scenario == "50 spaces":
            mine = spaces[n::clients]  # 5 spaces per client with 10 clients
            plan.append((mine[i % len(mine)], i))
        else:
            plan.append((spaces[0], i))  # the same slots for every client
    latencies, booked, refused = [], 0, 0
    barrier.wait()
    began = time.perf_counter()
    for space, index in plan:
        starts_at, ends_at = slot(index)
        t0 = time.perf_counter()
        try:
            services.booking_create(
                space=space,
                user=user,
                kind="whole_room",
                starts_at=starts_at,
                ends_at=ends_at,
                purpose="ベンチマーク",
            )
            booked += 1
        except services.BookingError:
            refused += 1
        latencies.append(time.perf_counter() - t0)
    return {
        "latencies": latencies,
        "booked": booked,
        "refused": refused,
        "began": began,
        "ended": time.perf_counter(),
    }


def run(scenario: str, clients: int, attempts: int, url: str) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(clients)
        with ctx.Pool(clients) as pool:
            results = pool.map(
                client, [(scenario, n, clients, attempts, url, barrier) for n in range(clients)]
            )
    latencies = sorted(x for r in results for x in r["latencies"])
    elapsed = max(r["ended"] for r in results) - min(r["began"] for r in results)
    booked = sum(r["booked"] for r in results)
    return {
        "scenario": scenario,
        "attempts": len(latencies),
        "booked": booked,
        "refused": sum(r["refused"] for r in results),
        "per_second": len(latencies) / elapsed,
        "booked_per_second": booked / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--bookings", type=int, default=100, help="attempts per client")
    args = parser.parse_args()
    url = database_url()
    ensure_database(url)
    setup_django(url)
    from django.db import connection
    from django.db.models import Count

    from spaces.models import Booking

    rows = []
    for scenario in ("one space", "50 spaces", "same slots"):
        prepare(args.clients)
        connection.close()
        rows.append(run(scenario, args.clients, args.bookings, url))
        twice = (
            Booking.objects.filter(space__host__name=HOST)
            .values("space", "starts_at")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not twice.exists(), "a slot was booked twice"
    print(
        f"\n{args.clients} concurrent clients, {args.bookings} attempts each, "
        "whole-room 30-minute bookings\n"
    )
    print("| scenario    | attempts | booked | refused | attempts/s | booked/s | p50 ms | p95 ms |")
    print("|-------------|----------|--------|---------|------------|----------|--------|--------|")
    for r in rows:
        print(
            f"| {r['scenario']:<11} | {r['attempts']:>8} | {r['booked']:>6} | {r['refused']:>7} "
            f"| {r['per_second']:>10.0f} | {r['booked_per_second']:>8.0f} | {r['p50']:>6.1f} "
            f"| {r['p95']:>6.1f} |"
        )


if __name__ == "__main__":
    main()
