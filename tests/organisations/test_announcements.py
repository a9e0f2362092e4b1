"""Region announcements (issue 12, fan-out): a site administrator or a coordinator of the
region tells every active member of the region's organisations, once, in the portal and
by mail, through one notify_many."""

import pytest
from django.urls import reverse

from cocreation.notifications import tasks
from cocreation.notifications.models import Notification
from cocreation.organisations import services
from cocreation.organisations.errors import MembershipError
from tests import factories

pytestmark = pytest.mark.django_db

KIND = "region.announcement"
TEXT = {"title": "年末年始の窓口について", "body": "12月29日から1月3日まで窓口はお休みです。"}


@pytest.fixture
def queued(monkeypatch):
    batches = []
    monkeypatch.setattr(tasks.send_notification_emails, "delay", batches.append)
    return batches


@pytest.fixture
def people(region, koriyama, tamura, company):
    """Who is told and who is not, around the region of koriyama and tamura."""
    other_region = factories.make_region("会津圏域", "aizu")
    aizu = factories.make_municipality(
        "会津若松市", "072028", domain="city.aizuwakamatsu.example.jp", regions=[other_region]
    )
    told = [
        factories.make_member(koriyama, email="a@city.koriyama.lg.jp", family="郡山"),
        factories.make_member(tamura, email="b@city.tamura.example.jp", family="田村"),
        factories.make_member(
            tamura, email="en@city.tamura.example.jp", family="Smith", preferred_language="en"
        ),
    ]
    # In two organisations of the region: told once.
    factories.make_member(koriyama, email="b2@city.koriyama.lg.jp")
    both = told[1]
    factories.Membership.objects.create(user=both, organisation=koriyama, status="active")
    not_told = [
        factories.make_member(koriyama, email="p@city.koriyama.lg.jp", status="pending"),
        factories.make_member(tamura, email="l@city.tamura.example.jp", status="left"),
        factories.make_member(aizu, email="z@city.aizuwakamatsu.example.jp"),
        factories.make_member(company, email="c@foodshare.example.com"),
    ]
    inactive = factories.make_member(koriyama, email="gone@city.koriyama.lg.jp")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    not_told.append(inactive)
    return told, not_told


def _told(region):
    return set(Notification.objects.filter(kind=KIND).values_list("recipient__email", flat=True))


def test_a_coordinator_tells_every_active_member_of_the_region_once(
    client, coordinator_user, region, people, queued, django_capture_on_commit_callbacks, settings
):
    told, not_told = people
    client.force_login(coordinator_user)
    url = reverse("organisations:announce", args=[region.slug])
    page = client.get(url).content.decode()
    assert "5 人" in page  # a, b, en, b2 and the coordinator herself
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, TEXT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisations:region", args=[region.slug])
    expected = {u.email for u in told} | {"b2@city.koriyama.lg.jp", coordinator_user.email}
    assert _told(region) == expected
    assert f"{len(expected)}人にお知らせを送りました。" in response.content.decode()
    assert not _told(region) & {u.email for u in not_told}
    note = Notification.objects.get(kind=KIND, recipient=told[0])
    assert note.title == f"【{region.name}】年末年始の窓口について"
    assert "12月29日から1月3日まで窓口はお休みです。" in note.body
    assert coordinator_user.display_name in note.body
    assert note.url == reverse("organisations:region", args=[region.slug])
    english = Notification.objects.get(kind=KIND, recipient__email="en@city.tamura.example.jp")
    assert english.title == f"[{region.name}] 年末年始の窓口について"
    assert "An announcement by" in english.body
    # Mailed: every one queued, in one batch here.
    assert sorted(pk for batch in queued for pk in batch) == sorted(
        Notification.objects.filter(kind=KIND).values_list("pk", flat=True)
    )

    # Sent again the same day, after the double-click window: nobody is told twice.
    settings.ONCE_WINDOW_SECONDS = 0
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, TEXT, follow=True)
    assert "このお知らせは今日すでに送っています。" in response.content.decode()
    assert Notification.objects.filter(kind=KIND).count() == len(expected)
    assert queued == []


def test_a_site_admin_may_announce_to_any_region(site_admin, region, people, queued):
    told, _ = people
    assert services.announcement_send(region=region, user=site_admin, **TEXT) == 4


@pytest.mark.parametrize("role", ["staff_user", "company_user", "no_org_user"])
def test_nobody_else_may_announce(role, request, client, region, people, queued):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("organisations:announce", args=[region.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, TEXT).status_code == 403
    with pytest.raises(MembershipError) as refused:
        services.announcement_send(region=region, user=user, **TEXT)
    assert refused.value.code == "forbidden"
    assert not Notification.objects.filter(kind=KIND).exists()


def test_a_coordinator_of_another_region_may_not(client, region, people, queued):
    aizu_region = factories.make_region("会津圏域", "aizu")
    aizu = aizu_region.organisations.get()
    coordinator = factories.make_member(
        aizu, role="coordinator", email="coord@city.aizuwakamatsu.example.jp"
    )
    client.force_login(coordinator)
    assert (
        client.post(reverse("organisations:announce", args=[region.slug]), TEXT).status_code == 403
    )
    assert client.get(reverse("organisations:announce", args=[aizu_region.slug])).status_code == 200
    assert not Notification.objects.filter(kind=KIND).exists()


def test_the_region_page_offers_the_form_only_to_those_who_may_send(
    client, region, coordinator_user, staff_user
):
    url = reverse("organisations:region", args=[region.slug])
    link = reverse("organisations:announce", args=[region.slug])
    client.force_login(coordinator_user)
    assert link in client.get(url).content.decode()
    client.force_login(staff_user)
    assert link not in client.get(url).content.decode()


def test_an_empty_or_too_long_announcement_is_refused_next_to_its_field(
    client, coordinator_user, region, people, queued
):
    client.force_login(coordinator_user)
    url = reverse("organisations:announce", args=[region.slug])
    response = client.post(url, {"title": " ", "body": "本文"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    response = client.post(url, {"title": "件名", "body": "あ" * 4001})
    assert response.context["form"].errors["body"]
    with pytest.raises(MembershipError) as refused:
        services.announcement_send(region=region, user=coordinator_user, title="件名", body=" \n")
    assert refused.value.field == "body"
    assert not Notification.objects.filter(kind=KIND).exists()
