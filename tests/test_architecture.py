"""The layout is the architecture (ARCHITECTURE.md), checked rather than hoped for:
imports run one way, every app has the same shape, and the formatter decides the layout."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["quests", "spaces", "studygroups", "studygroups/exchange"]
# Every domain app, split by sub-domain with the same names in each layer.
SHAPE = [
    "models",
    "services/__init__.py",
    "selectors/__init__.py",
    "views/__init__.py",
    "forms/__init__.py",
    "urls.py",
    "permissions.py",
    "reminders.py",
    "notifications.py",
    "admin.py",
    "tasks.py",
]
MARKERS = ["fmt: " + "skip", "fmt: " + "off"]
CODE = [
    "config",
    "cocreation",
    "quests",
    "spaces",
    "studygroups",
    "portal",
    "demo",
    "tests",
]


def test_imports_run_one_way():
    """core ← quests ← spaces ← studygroups ← portal, demo (pyproject.toml, import-linter)."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_same_shape(app):
    missing = [
        part
        for part in SHAPE
        if not (ROOT / app / part).exists() and not (ROOT / app / f"{part}.py").exists()
    ]
    assert missing == []
    for flat in ("views.py", "services.py", "selectors.py", "forms.py"):
        assert not (ROOT / app / flat).exists(), f"{app}/{flat} beside its package"
    suffixed = [
        path.name
        for layer in ("views", "services", "selectors", "forms")
        for path in (ROOT / app).glob(f"{layer}_*.py")
    ]
    assert suffixed == [], "suffix modules (forms_setup.py) belong in the layer's package"


def test_the_formatter_decides_the_layout():
    markers = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in CODE
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(marker in line for marker in MARKERS)
    ]
    assert markers == []
