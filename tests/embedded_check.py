"""Run by tests/test_embedded_services.py through `launcher exec`, on embedded servers only.

Migrates, serves pages through the real WSGI handler, and has a real Celery worker
send a notification's email over the embedded Redis broker.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def serve_pages() -> None:
    """Start gunicorn as the run command does and fetch pages over HTTP."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=os.environ,
    )
    try:
        for path in ("/healthz", "/"):
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
                        print("PAGE", path, response.status)
                        body = response.read().decode()
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            assert response.status == 200
        assert "官民共創ポータル" in body
    finally:
        web.terminate()
        web.wait(timeout=30)


def main() -> None:
    print("DATABASE", connection.settings_dict["HOST"], connection.settings_dict["PORT"])
    print("REDIS", settings.REDIS_URL)
    call_command("migrate", "--no-input", verbosity=0)

    serve_pages()

    from cocreation.accounts.models import User
    from cocreation.notifications.models import Notification
    from cocreation.notifications.services import notify

    user, _ = User.objects.get_or_create(
        email="embedded@example.test", defaults={"family_name": "組込", "given_name": "花子"}
    )
    with transaction.atomic():
        notification = notify(
            user,
            "membership.declined",
            user,
            context={"organisation": "郡山市", "reason": ""},
            key=f"embedded-{time.time()}",
        )
    mail_dir = Path(settings.EMAIL_FILE_PATH)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=os.environ,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.email_status == Notification.EmailStatus.SENT:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print("TASK", notification.email_status, len(list(mail_dir.glob("*.log"))))
    assert notification.email_status == Notification.EmailStatus.SENT


if __name__ == "__main__":
    main()
