"""Load benchmark: the home page and the organisation list under 1,000 organisations and
10,000 users, against gunicorn, compared with a minimal Django view as the floor.

    .venv/bin/python bench/run.py [--orgs 1000] [--users 10000] [--seconds 10] [--concurrency 8]

It creates (or reuses) its own database `cocreation_bench` on the server of DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432), fills it once, and prints a table.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cocreation")
    parts = urlsplit(url)
    return parts._replace(path="/cocreation_bench").geturl()


def ensure_database(url: str) -> None:
    import psycopg

    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname='cocreation_bench'"
        ).fetchone():
            conn.execute('CREATE DATABASE "cocreation_bench"')


def setup_django(url: str, migrate: bool = True) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def fill(orgs: int, users: int) -> None:
    """Municipalities with valid codes and companies; users spread over them."""
    from cocreation.accounts.models import User
    from cocreation.organisations.models import Membership, Organisation, Region
    from cocreation.organisations.validators import local_government_check_digit

    have = Organisation.objects.count()
    if have >= orgs and User.objects.count() >= users:
        print(f"data present: {have} organisations, {User.objects.count()} users")
        return
    region, _ = Region.objects.get_or_create(slug="bench", defaults={"name": "ベンチ圏域"})
    municipalities = orgs // 2
    new_orgs = []
    for n in range(orgs):
        if n < municipalities:
            first_five = f"{90000 + n:05d}"
            code = first_five + str(local_government_check_digit(first_five))
            new_orgs.append(
                Organisation(
                    kind="municipality",
                    name=f"ベンチ市{n}",
                    name_kana=f"ベンチシ{n}",
                    prefecture="福島県",
                    local_government_code=code,
                )
            )
        else:
            new_orgs.append(
                Organisation(
                    kind="company",
                    name=f"株式会社ベンチ{n}",
                    name_kana=f"ベンチ{n}",
                    prefecture="東京都",
                )
            )
    created = Organisation.objects.bulk_create(new_orgs, batch_size=500)
    region.organisations.add(*created[:municipalities])
    from django.contrib.auth.hashers import make_password

    password = make_password("bench-password")
    people = User.objects.bulk_create(
        [
            User(
                email=f"user{n}@bench.example.jp",
                password=password,
                family_name="試験",
                given_name=f"{n}",
                family_name_kana="シケン",
                given_name_kana="タロウ",
            )
            for n in range(users)
        ],
        batch_size=1000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=person, organisation=created[n % len(created)], role="member", status="active"
            )
            for n, person in enumerate(people)
        ],
        batch_size=1000,
    )
    print(f"filled: {len(created)} organisations, {len(people)} users")


def staff_session_cookie() -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cache import SessionStore  # noqa: F401

    from cocreation.accounts.models import User

    user = User.objects.filter(memberships__organisation__kind="municipality").first()
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    url = database_url()
    ensure_database(url)
    setup_django(url)
    fill(options.orgs, options.users)
    cookie = staff_session_cookie()

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        cases = [
            ("minimal view (floor)", "/bench/minimal", ""),
            ("home, anonymous", "/", ""),
            ("home, municipal staff", "/", cookie),
            ("organisation list, staff", "/organisations/", cookie),
        ]
        for _, path, case_cookie in cases:  # warm up every worker and cache
            load(port, path, case_cookie, 1, options.concurrency)
        results = [
            (name, load(port, path, c, options.seconds, options.concurrency))
            for name, path, c in cases
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    floor = results[0][1]["rps"]
    print(
        f"\n{options.orgs} organisations, {options.users} users; gunicorn {options.workers} "
        f"workers; {options.concurrency} clients for {options.seconds:.0f} s each\n"
    )
    print(
        f"| {'page':<26} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'errors':>6} "
        f"| {'vs floor':>8} |"
    )
    print(f"|{'-' * 28}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 10}|")
    for name, r in results:
        print(
            f"| {name:<26} | {r['rps']:>7.0f} | {r['p50']:>7.1f} | {r['p95']:>7.1f} "
            f"| {r['errors']:>6} | {r['rps'] / floor:>8.2f} |"
        )


if __name__ == "__main__":
    main()
