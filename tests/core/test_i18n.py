"""Every string marked for translation has a Japanese (and an English) entry."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import override_settings
from django.utils import translation

from cocreation.templatetags.portal import jdate, jdatetime

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    "config",
    "cocreation",
    "quests",
    "spaces",
    "studygroups",
    "portal",
    "demo",
    "templates",
    "locale",
    "manage.py",
]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Run makemessages on a copy of the sources, so the real catalogues stay untouched."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    copy = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    env = {**os.environ, "DEBUG": "1", "PYTHONPATH": str(copy)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "-l", "en", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy / "locale"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_marked_string_has_a_translation(extracted, language):
    catalogue = polib.pofile(str(extracted / language / "LC_MESSAGES" / "django.po"))
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (not any(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr)
    ]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings without a {language} translation: {missing[:20]}"
    assert not fuzzy, f"fuzzy {language} entries need checking: {fuzzy[:20]}"


def test_japanese_is_the_default_language(client, db):
    response = client.get("/")
    assert response["Content-Language"] == "ja"
    assert "官民共創ポータル" in response.content.decode()


def test_english_is_available(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Co-creation portal" in response.content.decode()


def test_language_switch_remembers_the_choice_in_the_profile(client, staff_user):
    client.force_login(staff_user)
    response = client.post("/language/", {"language": "en", "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    staff_user.refresh_from_db()
    assert staff_user.preferred_language == "en"
    assert "Your profile" in client.get("/accounts/profile/").content.decode()


def test_language_switch_refuses_outside_redirects(client, db):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@override_settings(TIME_ZONE="Asia/Tokyo")
def test_dates_read_as_in_japan():
    import datetime
    from zoneinfo import ZoneInfo

    meeting = datetime.datetime(2020, 12, 18, 4, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("ja"):
        assert jdate(datetime.date(2020, 12, 18)) == "2020年12月18日(金)"
        assert jdatetime(meeting) == "2020年12月18日(金) 13:30"
    with translation.override("en"):
        assert jdate(datetime.date(2020, 12, 18)) == "Fri 18 Dec 2020"


def test_every_relation_of_the_portal_has_a_translated_name():
    """A foreign key without `verbose_name` is labelled with its Python name ("uploaded
    by") in the admin and in error messages, in English on a Japanese page."""
    from django.apps import apps
    from django.utils.functional import Promise

    ours = {"accounts", "core", "organisations", "notifications", "quests", "spaces"}
    ours |= {"studygroups", "exchange"}
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and not field.auto_created
        and not isinstance(field.verbose_name, Promise)
    ]
    assert not untranslated, untranslated
