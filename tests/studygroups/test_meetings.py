"""Exchange meetings (情報交換会) of a network's officers (issue 14 part 4): scheduling,
registering and cancelling, the participants' list, reminders, the minutes and the survey
with its word cloud, each tried as every role."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from cocreation.notifications.reminders import run_reminders
from studygroups.errors import StudyError
from studygroups.models import ExchangeMeeting, MeetingRegistration, MeetingSurveyResponse
from studygroups.selectors.meetings import meeting_survey_results
from studygroups.services import meetings as services
from tests import factories

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
OK, LOGIN, FORBIDDEN = 200, "login", 403
ROLES = [
    "anonymous",
    "no_org_user",
    "staff_user",
    "company_user",
    "coordinator_user",
    "site_admin",
    "outsider",
]


@pytest.fixture
def outsider(db):
    """Staff of a municipality outside the network (川崎市)."""
    kawasaki = factories.make_municipality(
        "川崎市", "141305", domain="city.kawasaki.example.jp", prefecture="神奈川県"
    )
    return factories.make_member(kawasaki, email="staff@city.kawasaki.example.jp", family="川崎")


def _meeting(region, organiser, *, days=2, capacity=None, **fields):
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    return ExchangeMeeting.objects.create(
        region=region,
        field=fields.pop("field", "官民共創の窓口担当"),
        title=fields.pop("title", "官民共創の窓口担当者 情報交換会"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1, minutes=30),
        online_url="https://meet.example.jp/kyoso",
        capacity=capacity,
        organiser=organiser,
        **fields,
    )


@pytest.fixture
def meeting(region, coordinator_user, koriyama, tamura):
    return _meeting(region, coordinator_user)


@pytest.fixture
def past_meeting(region, coordinator_user, koriyama, tamura):
    return _meeting(region, coordinator_user, days=-3)


def _client_as(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _tamura_staff(tamura, n=1, department="企画政策課"):
    users = []
    for i in range(n):
        user = factories.make_member(tamura, email=f"t{i}@city.tamura.example.jp", family="田村")
        user.memberships.update(department=department)
        users.append(user)
    return users


# --- Who may open which page ----------------------------------------------------------

PAGES = {
    "meetings": {
        "anonymous": LOGIN,
        "no_org_user": FORBIDDEN,
        "staff_user": OK,
        "company_user": FORBIDDEN,
        "coordinator_user": OK,
        "site_admin": OK,
        "outsider": OK,
    },
    "network_meetings": {
        "anonymous": LOGIN,
        "no_org_user": FORBIDDEN,
        "staff_user": OK,
        "company_user": FORBIDDEN,
        "coordinator_user": OK,
        "site_admin": OK,
        "outsider": FORBIDDEN,
    },
    "meeting_create": {
        "anonymous": LOGIN,
        "no_org_user": FORBIDDEN,
        "staff_user": FORBIDDEN,
        "company_user": FORBIDDEN,
        "coordinator_user": OK,
        "site_admin": OK,
        "outsider": FORBIDDEN,
    },
    "meeting": {
        "anonymous": LOGIN,
        "no_org_user": FORBIDDEN,
        "staff_user": OK,
        "company_user": FORBIDDEN,
        "coordinator_user": OK,
        "site_admin": OK,
        "outsider": FORBIDDEN,
    },
}


@pytest.mark.parametrize(("page", "role"), [(p, r) for p in PAGES for r in ROLES])
def test_each_page_answers_each_role_as_stated(page, role, request, client, meeting, region):
    _client_as(client, request, role)
    args = {"meetings": [], "meeting": [meeting.pk]}.get(page, [region.slug])
    response = client.get(reverse(f"studygroups:{page}", args=args))
    expected = PAGES[page][role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (page, role)


def test_lists_show_the_meeting_to_staff_of_the_network_only(client, meeting, staff_user, outsider):
    client.force_login(staff_user)
    assert meeting.title in client.get(reverse("studygroups:meetings")).content.decode()
    client.force_login(outsider)
    assert meeting.title not in client.get(reverse("studygroups:meetings")).content.decode()


# --- Scheduling -------------------------------------------------------------------------


def _form(**overrides):
    return {
        "field": "防災",
        "title": "防災担当者 情報交換会",
        "date": "2030-06-12",
        "start_time": "13:30",
        "end_time": "15:00",
        "online_url": "https://meet.example.jp/bosai",
        "place": "",
        "agenda": "1. 各市町村の備え",
        "capacity": "",
        **overrides,
    }


def test_a_coordinator_schedules_a_meeting_in_japan_time(client, region, coordinator_user):
    client.force_login(coordinator_user)
    response = client.post(reverse("studygroups:meeting_create", args=[region.slug]), _form())
    meeting = ExchangeMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.starts_at == dt.datetime(2030, 6, 12, 13, 30, tzinfo=JST)
    assert meeting.organiser == coordinator_user and meeting.capacity is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"end_time": "13:00"}, "end_time"),
        ({"online_url": "", "place": ""}, "online_url"),
        ({"date": "2020-13-45"}, "date"),
        ({"capacity": "0"}, "capacity"),
    ],
)
def test_bad_schedules_are_refused_next_to_the_field(client, region, site_admin, data, field):
    client.force_login(site_admin)
    response = client.post(reverse("studygroups:meeting_create", args=[region.slug]), _form(**data))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["form"]["title"].value() == "防災担当者 情報交換会"
    assert not ExchangeMeeting.objects.exists()


@pytest.mark.parametrize("role", ["staff_user", "company_user", "no_org_user", "outsider"])
def test_only_those_who_run_the_network_schedule(client, request, region, role):
    _client_as(client, request, role)
    response = client.post(reverse("studygroups:meeting_create", args=[region.slug]), _form())
    assert response.status_code == 403
    with pytest.raises(StudyError):
        services.meeting_create(
            region=region,
            user=request.getfixturevalue(role),
            field="DX",
            title="x",
            starts_at=timezone.now() + dt.timedelta(days=1),
            ends_at=timezone.now() + dt.timedelta(days=1, hours=1),
            online_url="https://meet.example.jp/x",
        )


# --- Registering and cancelling --------------------------------------------------------

REGISTER = {
    "anonymous": "login",
    "no_org_user": 403,
    "staff_user": "registered",
    "company_user": 403,
    "coordinator_user": "registered",
    "site_admin": "refused",
    "outsider": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_registering_as_each_role(client, request, meeting, role):
    _client_as(client, request, role)
    response = client.post(reverse("studygroups:meeting_register", args=[meeting.pk]))
    expected = REGISTER[role]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert MeetingRegistration.objects.filter(meeting=meeting).exists() == (
            expected == "registered"
        )
    if expected != "registered":
        assert not MeetingRegistration.objects.exists()


def test_registration_keeps_the_municipality_and_department_and_tells_both(
    meeting, tamura, coordinator_user, client
):
    (person,) = _tamura_staff(tamura, department="企画政策課")
    registration = services.meeting_register(meeting=meeting, user=person)
    assert registration.organisation == tamura and registration.department == "企画政策課"
    mine = Notification.objects.get(recipient=person)
    assert mine.kind == "study.meeting_registered" and meeting.title in mine.title
    told = Notification.objects.get(recipient=coordinator_user)
    assert told.kind == "study.meeting_registration_received" and "田村市" in told.body
    assert "<" not in mine.body and "<" not in told.body  # plain text

    # The organisers see name, municipality, department; other staff do not.
    client.force_login(coordinator_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert person.display_name in page and "企画政策課" in page
    client.force_login(factories.make_member(tamura, email="x@city.tamura.example.jp"))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert person.display_name not in page and "企画政策課" not in page


def test_one_registration_per_person(meeting, staff_user):
    services.meeting_register(meeting=meeting, user=staff_user)
    with pytest.raises(StudyError) as error:
        services.meeting_register(meeting=meeting, user=staff_user)
    assert error.value.code == "twice"
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingRegistration.objects.create(
            meeting=meeting, user=staff_user, organisation=staff_user.memberships.get().organisation
        )
    assert MeetingRegistration.objects.count() == 1


def test_a_full_meeting_refuses_and_a_cancellation_frees_the_place(
    region, coordinator_user, staff_user, tamura
):
    meeting = _meeting(region, coordinator_user, capacity=1)
    (other,) = _tamura_staff(tamura)
    services.meeting_register(meeting=meeting, user=staff_user)
    with pytest.raises(StudyError) as error:
        services.meeting_register(meeting=meeting, user=other)
    assert error.value.code == "full"
    services.meeting_cancel(meeting=meeting, user=staff_user)
    services.meeting_register(meeting=meeting, user=other)
    assert list(meeting.registrations.values_list("user", flat=True)) == [other.pk]


def test_cancelling_through_the_page_and_not_after_the_start(client, meeting, staff_user):
    services.meeting_register(meeting=meeting, user=staff_user)
    client.force_login(staff_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("studygroups:meeting_cancel", args=[meeting.pk]) in page
    response = client.post(reverse("studygroups:meeting_cancel", args=[meeting.pk]))
    assert response.status_code == 302 and not MeetingRegistration.objects.exists()

    services.meeting_register(meeting=meeting, user=staff_user)
    with pytest.raises(StudyError):
        services.meeting_cancel(
            meeting=meeting, user=staff_user, now=meeting.starts_at + dt.timedelta(minutes=1)
        )
    with pytest.raises(StudyError):
        services.meeting_register(
            meeting=meeting,
            user=factories.make_member(
                staff_user.memberships.get().organisation, email="late@city.koriyama.lg.jp"
            ),
            now=meeting.starts_at,
        )
    assert MeetingRegistration.objects.count() == 1


def test_a_company_member_cannot_cancel_or_answer(client, meeting, company_user):
    client.force_login(company_user)
    for name in ("meeting_cancel", "meeting_survey", "meeting_minutes"):
        assert client.post(reverse(f"studygroups:{name}", args=[meeting.pk])).status_code == 403


# --- Reminders ---------------------------------------------------------------------------


def test_each_participant_is_reminded_once_the_day_before(meeting, staff_user, tamura):
    (other,) = _tamura_staff(tamura)
    for person in (staff_user, other):
        services.meeting_register(meeting=meeting, user=person)
    day_before = timezone.localtime(meeting.starts_at) - dt.timedelta(days=1, hours=5)
    two_days_before = day_before - dt.timedelta(days=1)
    only = ["studygroups.meeting_reminders"]
    assert run_reminders(now=two_days_before, only=only) == {"studygroups.meeting_reminders": 0}
    assert run_reminders(now=day_before, only=only) == {"studygroups.meeting_reminders": 2}
    assert run_reminders(now=day_before + dt.timedelta(hours=2), only=only) == {
        "studygroups.meeting_reminders": 0
    }
    reminders = Notification.objects.filter(kind="study.meeting_reminder")
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted(
        [staff_user.pk, other.pk]
    )
    assert meeting.title in reminders.first().body


# --- Minutes -------------------------------------------------------------------------------


def test_minutes_are_recorded_after_the_meeting_and_shown_to_the_network_once_published(
    client, past_meeting, staff_user, coordinator_user, outsider, company_user
):
    MeetingRegistration.objects.create(
        meeting=past_meeting,
        user=staff_user,
        organisation=staff_user.memberships.get().organisation,
    )
    url = reverse("studygroups:meeting_minutes", args=[past_meeting.pk])
    client.force_login(coordinator_user)
    client.post(url, {"minutes": "窓口の連携を確認した。", "publish": ""})
    client.force_login(staff_user)
    assert (
        "窓口の連携を確認した" not in client.get(past_meeting.get_absolute_url()).content.decode()
    )
    assert client.post(url, {"minutes": "x", "publish": "on"}).status_code == 403

    client.force_login(coordinator_user)
    response = client.post(url, {"minutes": "窓口の連携を確認した。", "publish": "on"})
    assert response.status_code == 302
    client.force_login(staff_user)
    assert "窓口の連携を確認した" in client.get(past_meeting.get_absolute_url()).content.decode()
    for person in (outsider, company_user):
        client.force_login(person)
        response = client.get(past_meeting.get_absolute_url())
        assert response.status_code == 403
        assert "窓口の連携を確認した" not in response.content.decode()

    told = Notification.objects.filter(kind="study.meeting_minutes")
    assert list(told.values_list("recipient", flat=True)) == [staff_user.pk]
    assert "窓口の連携を確認した" in told.get().body
    # Editing the published minutes tells no one again.
    client.force_login(coordinator_user)
    client.post(url, {"minutes": "窓口の連携を確認した。次回は6月。", "publish": "on"})
    assert told.count() == 1


@pytest.mark.parametrize(
    "text", ["連絡先 kyoso@town.example.jp", "電話 0494-25-0111 まで", "携帯 090-1234-5678"]
)
def test_minutes_with_contact_data_are_refused(client, past_meeting, coordinator_user, text):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:meeting_minutes", args=[past_meeting.pk]),
        {"minutes": text, "publish": "on"},
    )
    assert response.status_code == 400
    assert "minutes" in response.context["minutes_form"].errors
    past_meeting.refresh_from_db()
    assert past_meeting.minutes == "" and past_meeting.minutes_published_at is None


def test_minutes_wait_for_the_end_of_the_meeting(meeting, coordinator_user):
    with pytest.raises(StudyError):
        services.meeting_minutes_record(
            meeting=meeting, user=coordinator_user, minutes="早すぎる", publish=True
        )


# --- Survey and word cloud -------------------------------------------------------------


def test_one_answer_per_person_and_only_participants_after_the_meeting(
    client, past_meeting, meeting, staff_user, tamura
):
    MeetingRegistration.objects.create(
        meeting=past_meeting,
        user=staff_user,
        organisation=staff_user.memberships.get().organisation,
    )
    url = reverse("studygroups:meeting_survey", args=[past_meeting.pk])
    client.force_login(staff_user)
    assert client.post(url, {"rating": "4", "comment": "共創の窓口"}).status_code == 302
    assert client.post(url, {"rating": "5", "comment": "共創の窓口の連携"}).status_code == 302
    answer = MeetingSurveyResponse.objects.get()
    assert (answer.rating, answer.comment) == (5, "共創の窓口の連携")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingSurveyResponse.objects.create(meeting=past_meeting, user=staff_user, rating=3)

    (stranger,) = _tamura_staff(tamura)
    with pytest.raises(StudyError):
        services.meeting_survey_answer(meeting=past_meeting, user=stranger, rating=3, comment="")
    services.meeting_register(meeting=meeting, user=stranger)
    with pytest.raises(StudyError):
        services.meeting_survey_answer(meeting=meeting, user=stranger, rating=3, comment="")
    assert client.post(url, {"rating": "9"}).status_code == 400
    client.force_login(stranger)
    assert client.post(url, {"rating": "3", "comment": "x"}).status_code == 302
    assert MeetingSurveyResponse.objects.count() == 1


def test_the_word_cloud_counts_the_comments_and_is_shown_to_the_organisers(
    client, past_meeting, coordinator_user, staff_user, tamura
):
    people = [staff_user, *_tamura_staff(tamura, 2)]
    comments = ["企業との連携の進め方", "窓口の連携", "審査と連携"]
    for person, comment in zip(people, comments, strict=True):
        MeetingRegistration.objects.create(
            meeting=past_meeting, user=person, organisation=person.memberships.get().organisation
        )
        services.meeting_survey_answer(meeting=past_meeting, user=person, rating=4, comment=comment)
    results = meeting_survey_results(past_meeting)
    assert dict(results["words"])["連携"] == 3 and results["average"] == 4
    client.force_login(coordinator_user)
    page = client.get(past_meeting.get_absolute_url()).content.decode()
    assert "<svg" in page and "連携（3）" in page
    client.force_login(staff_user)
    assert "<svg" not in client.get(past_meeting.get_absolute_url()).content.decode()


def test_the_demo_meeting_has_staff_of_both_towns_minutes_and_a_word_cloud():
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    meeting = ExchangeMeeting.objects.get(title="官民共創の窓口担当者 情報交換会")
    assert meeting.region.slug == "yokoze-bandai" and meeting.minutes_published_at
    towns = set(meeting.registrations.values_list("organisation__name", flat=True))
    assert towns == {"横瀬町", "磐梯町"}
    assert dict(meeting_survey_results(meeting)["words"]).get("企業", 0) >= 3
    call_command("load_demo", verbosity=0)
    assert ExchangeMeeting.objects.filter(region=meeting.region).count() == 2
