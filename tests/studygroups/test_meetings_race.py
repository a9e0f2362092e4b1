"""Two staff members taking the last place of an exchange meeting at the same moment:
one registration, and nobody gets a 500."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studygroups.models import ExchangeMeeting, MeetingRegistration
from tests import factories
from tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_at_once_for_one_place_make_one_registration():
    region = factories.make_region()
    koriyama = factories.make_municipality(regions=[region])
    start = timezone.now() + dt.timedelta(days=3)
    meeting = ExchangeMeeting.objects.create(
        region=region,
        field="DX",
        title="DX担当者 情報交換会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="郡山市役所",
        capacity=1,
    )
    clients = []
    for i in range(2):
        client = Client()
        client.force_login(factories.make_member(koriyama, email=f"s{i}@city.koriyama.lg.jp"))
        clients.append(client)
    url = reverse("studygroups:meeting_register", args=[meeting.pk])
    responses = parallel_posts([(c, url, {}) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert MeetingRegistration.objects.filter(meeting=meeting).count() == 1
