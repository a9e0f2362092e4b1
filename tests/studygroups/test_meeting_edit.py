"""Issue 14: those who run a network change a meeting before it starts; the registered
are told of a new time or place once; no one else may; a capacity cannot drop below
those registered; the day-before reminder follows the new time."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from studygroups.errors import StudyError
from studygroups.models import ExchangeMeeting, MeetingRegistration
from studygroups.services import meetings as services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(region, coordinator_user, koriyama, tamura):
    start = (timezone.localtime() + dt.timedelta(days=5)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    return ExchangeMeeting.objects.create(
        region=region,
        field="DX",
        title="DX担当者 情報交換会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        online_url="https://meet.example.jp/dx",
        organiser=coordinator_user,
    )


@pytest.fixture
def registered(meeting, tamura):
    user = factories.make_member(tamura, email="t0@city.tamura.example.jp", family="田村")
    services.meeting_register(meeting=meeting, user=user)
    return user


def _post(client, meeting, **changes):
    local = timezone.localtime(meeting.starts_at)
    data = {
        "field": meeting.field,
        "title": meeting.title,
        "date": local.date().isoformat(),
        "start_time": "15:00",
        "end_time": "16:00",
        "online_url": meeting.online_url,
        "place": "",
        "agenda": "",
        "capacity": "",
        **changes,
    }
    return client.post(reverse("studygroups:meeting_edit", args=[meeting.pk]), data)


def test_a_new_time_is_told_to_those_registered_once(client, meeting, registered, coordinator_user):
    client.force_login(coordinator_user)
    assert client.get(reverse("studygroups:meeting_edit", args=[meeting.pk])).status_code == 200
    response = _post(client, meeting, start_time="16:00", end_time="17:30")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).hour == 16
    told = Notification.objects.get(recipient=registered, kind="study.meeting_changed")
    assert "16:00" in told.body and "<" not in told.body
    # The title alone changing tells no one again.
    _post(
        client, meeting, start_time="16:00", end_time="17:30", title="DX担当者 情報交換会（第2回）"
    )
    assert Notification.objects.filter(kind="study.meeting_changed").count() == 1


def test_capacity_cannot_drop_below_those_registered_next_to_its_field(
    client, meeting, registered, coordinator_user, tamura
):
    client.force_login(coordinator_user)
    response = _post(client, meeting, capacity="0")
    assert response.status_code == 400
    assert "id_capacity_error" in response.content.decode()
    second = factories.make_member(tamura, email="t1@city.tamura.example.jp", family="田村")
    services.meeting_register(meeting=meeting, user=second)
    with pytest.raises(StudyError) as refused:
        services.meeting_update(
            meeting=meeting,
            user=coordinator_user,
            field="DX",
            title="x",
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            online_url=meeting.online_url,
            capacity=1,
            now=timezone.now(),
        )
    assert refused.value.field == "capacity"
    assert MeetingRegistration.objects.filter(meeting=meeting).count() == 2


@pytest.mark.parametrize(
    "role, status",
    [("staff_user", 403), ("company_user", 403), ("no_org_user", 403), ("site_admin", 200)],
)
def test_who_may_change_a_meeting(client, request, meeting, role, status):
    client.force_login(request.getfixturevalue(role))
    url = reverse("studygroups:meeting_edit", args=[meeting.pk])
    assert client.get(url).status_code in ({status} if status == 200 else {403, 404})


def test_a_started_meeting_cannot_be_changed(client, meeting, coordinator_user):
    ExchangeMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(minutes=55),
    )
    meeting.refresh_from_db()
    client.force_login(coordinator_user)
    response = _post(client, meeting)
    assert response.status_code == 302
    assert "始まった情報交換会は変更できません" in client.get(response["Location"]).content.decode()
