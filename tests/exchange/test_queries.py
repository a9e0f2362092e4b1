"""The exchange's pages cost the same number of queries however many placements,
applications, log entries and reports there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studygroups.exchange.models import Application, LogEntry, Placement, Report
from tests import factories

from .conftest import FIRST, LAST

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


def _grow(placement, bandai, n, start):
    for i in range(start, start + n):
        other = Placement.objects.create(
            host=placement.host,
            department="総務課",
            title=f"募集{i}",
            work="w",
            starts_on=FIRST,
            ends_on=LAST,
            days_per_week=1,
            mode="online",
            mentor=placement.mentor,
        )
        person = factories.make_member(bandai, email=f"p{i}@bandai.example.jp")
        for target in (placement, other):
            application = Application.objects.create(
                placement=target,
                applicant=person,
                organisation=bandai,
                motivation="m",
                status="accepted",
            )
            day = FIRST + dt.timedelta(weeks=i % 20)
            LogEntry.objects.create(
                application=application,
                author=person,
                iso_year=day.isocalendar()[0],
                iso_week=day.isocalendar()[1],
                body="b",
            )
            Report.objects.create(
                application=application,
                author=person,
                learned="l",
                host_takes_home="h",
                guest_takes_home="g",
                published_at=dt.datetime.now(dt.UTC),
            )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("role", ["yokoze_admin", "guest", "coordinator_user"])
def test_pages_cost_the_same_at_two_sizes(client, request, accepted, bandai, role):
    client.force_login(request.getfixturevalue(role))
    pages = {
        "list": reverse("exchange:list"),
        "placement": reverse("exchange:placement", args=[accepted.placement_id]),
        "application": reverse("exchange:application", args=[accepted.pk]),
        "reports": reverse("exchange:reports"),
    }
    if role != "guest":
        pages["dashboard"] = reverse("exchange:dashboard")
    _grow(accepted.placement, bandai, 2, 0)
    for url in pages.values():
        _count(client, url)
    small = {name: _count(client, url) for name, url in pages.items()}
    _grow(accepted.placement, bandai, 12, 2)
    large = {name: _count(client, url) for name, url in pages.items()}
    assert small == large and max(large.values()) <= MAX_QUERIES, (small, large)
