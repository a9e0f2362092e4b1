"""Two decisions at once make one (the application row is locked); two applications by
one person at once make one (the unique constraint)."""

import pytest
from django.test import Client
from django.urls import reverse

from cocreation.notifications.models import Notification
from studygroups.exchange.models import Application
from tests import factories
from tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db(transaction=True)


def _clients(*users):
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_two_employer_decisions_at_once_make_one(application, bandai, bandai_admin, guest):
    second = factories.make_member(bandai, role="coordinator", email="c2@bandai.example.jp")
    url = reverse("exchange:employer_decide", args=[application.pk])
    responses = parallel_posts(
        [
            (client, url, data)
            for client, data in zip(
                _clients(bandai_admin, second),
                [{"decision": "approve"}, {"decision": "refuse", "reason": "人員不足"}],
                strict=True,
            )
        ]
    )
    assert [r.status_code for r in responses] == [302, 302]
    application.refresh_from_db()
    assert application.status in {"awaiting_host", "employer_refused"}
    told = Notification.objects.filter(
        recipient=guest, kind__in=["exchange.employer_approved", "exchange.employer_refused"]
    )
    assert told.count() == 1


def test_two_applications_at_once_make_one(placement, guest, bandai, bandai_admin):
    url = reverse("exchange:apply", args=[placement.pk])
    clients = _clients(guest, guest)
    responses = parallel_posts(
        [
            (c, url, {"organisation": bandai.pk, "motivation": f"学びたい{i}"})
            for i, c in enumerate(clients)
        ]
    )
    assert 500 not in [r.status_code for r in responses]
    assert Application.objects.filter(placement=placement, applicant=guest).count() == 1
