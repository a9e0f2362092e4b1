"""The template test databases are copied from (tests/database_template.py): its digest
follows the source and nothing else, and a template another run holds is never dropped."""

import uuid

import pytest
from django.db import connections

from tests import database_template


def test_the_digest_follows_the_source_not_the_tools_caches(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    (tmp_path / "reference.csv").write_text("SDG,1\n", encoding="utf-8")
    before = database_template.digest()
    for cache in (".ruff_cache", ".import_linter_cache", "portal.egg-info", "tests", "bench"):
        (tmp_path / cache).mkdir()
        (tmp_path / cache / "cache.json").write_text("{}", encoding="utf-8")
    assert database_template.digest() == before
    (tmp_path / "reference.csv").write_text("SDG,2\n", encoding="utf-8")
    assert database_template.digest() != before


@pytest.mark.django_db
def test_a_template_that_a_running_test_run_holds_is_not_dropped():
    name = f"template_probe_{uuid.uuid4().hex[:8]}"
    default = connections["default"]
    other_run = type(default)({**default.settings_dict, "NAME": None}, alias="__no_db__")
    with default._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            with other_run.cursor() as held:
                held.execute("SELECT pg_advisory_lock_shared(hashtext(%s))", [name])
                held.execute("SELECT pg_backend_pid()")
                other_pid = held.fetchone()[0]
            database_template.Template._drop_unless_in_use(cursor, name)
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert cursor.fetchone(), "dropped while another run held it"

            # That run ends, and its session's locks go with it once its server process
            # has exited. close() returns before that (CI once saw the lock still held),
            # so the server ends that one session and waits for it (PostgreSQL 14+).
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [other_pid])
            assert cursor.fetchone()[0], "the other run's session did not end"
            other_run.close()
            database_template.Template._drop_unless_in_use(cursor, name)
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert cursor.fetchone() is None
        finally:
            other_run.close()
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
