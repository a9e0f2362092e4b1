"""Production defaults are safe: DEBUG off unless asked, and check --deploy is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warning_in_production_mode():
    result = _run(
        ["check", "--deploy"],
        SECRET_KEY="x7Qp-" + "k2Lm9vTz4RbW8sYc1Nd6Hf3Jg5Xa0Ue7Io2Py4Tr6Ew8Qs" * 2,
        ALLOWED_HOSTS="portal.example.jp",
        SITE_URL="https://portal.example.jp",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_debug_is_off_and_a_secret_key_is_required_by_default():
    result = _run(["check"])
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_on_only_when_asked():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = _run(["shell", "-c", code], SECRET_KEY="s" * 60)
    assert result.stdout.strip().splitlines()[-1] == "False"
    result = _run(["shell", "-c", code], DEBUG="1")
    assert result.stdout.strip().splitlines()[-1] == "True"
