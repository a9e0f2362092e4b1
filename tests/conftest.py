"""Shared fixtures: one person for every role the portal knows.

Tests run on real PostgreSQL and Redis (the run/test command finds them);
nothing here replaces either with a fake.
"""

import os
import uuid

import pytest
from django.conf import settings as django_settings

from cocreation.core.queue import reset_breakers
from tests import factories

# Threads of the live server, of parallel-request tests and of in-process workers open
# their own connections; closing each at the end of its request lets the test database
# be dropped cleanly at the end of the run.
django_settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


def pytest_xdist_auto_num_workers(config) -> int | None:
    """Workers for `-n auto` (pyproject's addopts): one more than the physical cores, as
    xdist counts them. A worker is often waiting, not computing: on PostgreSQL, on a
    Celery worker or the live server it started, on Chromium; the extra one keeps the
    cores busy meanwhile. Measured on this project's 2-core machine: 2 workers 686 s,
    3 workers 614 s. PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set (None hands
    over to xdist's own hook, which reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    try:
        import psutil

        cores = psutil.cpu_count(logical=False)
    except ImportError:
        cores = None
    return (cores or len(os.sched_getaffinity(0))) + 1


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """pytest-django's hook before the test databases are made: each is copied from a
    migrated template (tests/database_template.py) instead of migrated from nothing."""
    from django.db import connections

    from tests import database_template

    default = connections["default"]
    with django_db_blocker.unblock():
        template = database_template.Template()
    default.settings_dict["TEST"]["TEMPLATE"] = template.name
    yield
    template.release()  # after pytest-django's teardown: its fixture depends on this one


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with every session on them ended before its
    teardown drops them: a thread's connection (a live server's, a parallel request's)
    closes on the client before its server process exits, and DROP DATABASE refuses a
    database that still has one ("is being accessed by other users")."""
    from django.db import connections

    from tests.database_template import end_sessions

    yield
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            connection.close()
        default = connections["default"]
        with default._nodb_cursor() as cursor:
            end_sessions(cursor, default.settings_dict["NAME"])


@pytest.fixture(autouse=True)
def _isolated_cache_and_queue(settings):
    # Each test session writes its own Redis keys, so parallel runs never mix.
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "main_cache": {**settings.CACHES["main_cache"], "KEY_PREFIX": prefix},
        "fallback_cache": {**settings.CACHES["fallback_cache"], "LOCATION": prefix},
    }
    reset_breakers()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    # Hashing strength is not under test; PBKDF2's cost would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def feeds_in_december_2020(monkeypatch):
    """Calendar feeds drawn around 18 December 2020 12:00 JST, the date the feed tests'
    bookings and sessions are made on (feeds list only the months around "now",
    cocreation.core.ical.feed_window)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from cocreation.core import ical

    moment = dt.datetime(2020, 12, 18, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    monkeypatch.setattr(ical, "feed_now", lambda: moment)
    return moment


@pytest.fixture
def region(db):
    return factories.make_region()


@pytest.fixture
def koriyama(region):
    return factories.make_municipality(regions=[region])


@pytest.fixture
def tamura(region):
    return factories.make_municipality(
        "田村市", "072117", domain="city.tamura.example.jp", regions=[region]
    )


@pytest.fixture
def company(db):
    return factories.make_company()


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def no_org_user(db):
    return factories.make_user("nobody@example.test", family="無所属", given="花子")


@pytest.fixture
def staff_user(koriyama):
    return factories.make_member(koriyama, email="staff@city.koriyama.lg.jp")


@pytest.fixture
def company_user(company):
    return factories.make_member(company, email="member@foodshare.example.com", family="食品")


@pytest.fixture
def coordinator_user(koriyama):
    return factories.make_member(
        koriyama, role="coordinator", email="coordinator@city.koriyama.lg.jp", family="調整"
    )


@pytest.fixture
def org_admin_user(company):
    return factories.make_member(company, role="admin", email="admin@foodshare.example.com")


@pytest.fixture
def site_admin(db):
    user = factories.make_user("admin@portal.example.test", family="管理")
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


ROLES = ["anonymous", "no_org_user", "staff_user", "company_user", "coordinator_user", "site_admin"]


@pytest.fixture(params=ROLES)
def role_client(request, client):
    """A client signed in as each role in turn (anonymous stays signed out)."""
    if request.param != "anonymous":
        client.force_login(request.getfixturevalue(request.param))
    return request.param, client
