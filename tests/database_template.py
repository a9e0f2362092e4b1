"""A migrated template database that every test run's databases are copied from.

Migrating an empty database takes about half a minute of one core here (Django renders
the models' state again for each of some 80 migrations), and every xdist worker used to
do it for its own test database. Now the first worker to arrive migrates a template once,
and each worker's test database is created from it (Django's `TEST["TEMPLATE"]` setting
for PostgreSQL); Django then migrates that copy as usual and finds nothing to apply.

A template is named by a digest of what a migrated database depends on: the migrations
of every installed app, Django's version and the project's own code and data files
(reference data CSVs, the modules migrations import, `post_migrate` receivers). Later
runs of the same code reuse it; a change builds a new one.

Runs may overlap (two checkouts, a CI run beside a developer's): building takes an
exclusive advisory lock, so one run builds and the others wait for it; each run holds a
shared advisory lock on its template's name until it ends, and a template is dropped
(when another is built) only if no run holds that lock.

Only the test run uses this; `make run` and production migrate as always.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.base.base import NO_DB_ALIAS

PREFIX = "cocreation_test_template_"
# pg_advisory_lock key for building (outside the int4 range of hashtext(), which keys
# the shared lock each run holds on its template's name).
BUILD_LOCK = 0x636F_7465_6D70
# What under the project directory can change a migrated database, and what cannot
# (besides hidden folders such as .venv, .git and the tools' caches, and *.egg-info).
SOURCE_SUFFIXES = {".py", ".csv", ".json"}
NOT_SOURCE = {"tests", "bench", "test-artifacts", "__pycache__", "node_modules"}


def digest() -> str:
    """12 hex digits of SHA-256 over Django's version, the migration files of every
    installed app, and the project's .py, .csv and .json files (tests, benchmarks and
    the checkout's hidden folders aside: the same in a clean clone as in a worked-in
    checkout)."""
    sha = hashlib.sha256(django.get_version().encode())
    files: list[tuple[str, Path]] = []
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        root = Path(config.path)
        files += [(f"{config.label}:{p.name}", p) for p in sorted(root.glob("migrations/*.py"))]
    base = Path(settings.BASE_DIR)
    for folder, subfolders, names in os.walk(base):
        subfolders[:] = sorted(
            d
            for d in subfolders
            if d not in NOT_SOURCE and not d.startswith(".") and not d.endswith(".egg-info")
        )
        for name in sorted(names):
            path = Path(folder, name)
            if path.suffix in SOURCE_SUFFIXES:
                files.append((str(path.relative_to(base)), path))
    for label, path in files:
        sha.update(f"\n{label}\n".encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


def end_sessions(cursor, database: str) -> None:
    """End every other session on `database` and wait (up to 10 s each, PostgreSQL 14+)
    until each has exited. A client's close() returns before its server process has gone,
    and until then the database cannot be renamed or dropped and its locks are held."""
    cursor.execute(
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    )


class Template:
    """The current template, claimed for this run: `name` is the database to copy from.
    Call `release()` when the run's databases are gone."""

    def __init__(self):
        self.name = PREFIX + digest()
        # A connection to the server's maintenance database, open for the whole run: the
        # session-level advisory locks live as long as it does.
        default = connections["default"]
        self._holder = type(default)({**default.settings_dict, "NAME": None}, alias=NO_DB_ALIAS)
        with self._holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [BUILD_LOCK])
            try:
                cursor.execute("SELECT pg_advisory_lock_shared(hashtext(%s))", [self.name])
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [PREFIX]
                )
                existing = {row[0] for row in cursor.fetchall()}
                if self.name not in existing:
                    for old in sorted(existing):
                        self._drop_unless_in_use(cursor, old)
                    self._build(cursor)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK])

    @staticmethod
    def _drop_unless_in_use(cursor, name: str) -> None:
        """Drop an older template (or one a stopped run left half-built) unless a run that
        is still going holds its shared lock."""
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name])
        if cursor.fetchone()[0]:
            try:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            finally:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])

    def _build(self, cursor) -> None:
        """Migrate a new database under a temporary name, then rename it: a run stopped
        half-way never leaves a template that looks finished."""
        building = self.name + "_building"
        cursor.execute(f'CREATE DATABASE "{building}"')
        original = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = building
        try:
            call_command("migrate", interactive=False, verbosity=0, run_syncdb=True)
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
        end_sessions(cursor, building)  # the closed session may not have exited yet
        cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{self.name}"')

    def release(self) -> None:
        """End the claim: the template may be dropped once no other run holds it."""
        self._holder.close()
