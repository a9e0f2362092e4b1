"""Issue 14 part 1: networks people can join (seed 001: "other municipalities may join the
network later"). A municipality's admin asks; those who run the network accept or decline
(a reason, told in plain text); the page shows members, agreements, the fields each
member leads, and the members' quests and results."""

import datetime as dt

import pytest
from django.urls import reverse

from cocreation.notifications.models import Notification
from cocreation.organisations import services
from cocreation.organisations.errors import MembershipError
from cocreation.organisations.models import NetworkAgreement, NetworkField, NetworkJoinRequest
from tests import factories
from tests.parallel import parallel_posts
from tests.quests.factories import make_quest

pytestmark = pytest.mark.django_db


@pytest.fixture
def aizu():
    return factories.make_municipality(
        "会津若松市", "072028", domain="city.aizuwakamatsu.example.jp", regions=()
    )


@pytest.fixture
def aizu_admin(aizu):
    return factories.make_member(
        aizu, role="admin", email="kikaku@city.aizuwakamatsu.example.jp", family="会津"
    )


def _ask(client, user, region, aizu, message="DXの知見を共有したい"):
    client.force_login(user)
    return client.post(
        reverse("organisations:network_join", args=[region.slug]),
        {"organisation": str(aizu.pk), "message": message},
    )


def test_a_municipality_asks_and_the_network_accepts(
    client, region, aizu, aizu_admin, coordinator_user, koriyama
):
    response = _ask(client, aizu_admin, region, aizu)
    assert response.status_code == 302
    join = NetworkJoinRequest.objects.get(organisation=aizu)
    told = Notification.objects.get(recipient=coordinator_user, kind="network.join_requested")
    assert "会津若松市" in told.title and "072028" in told.body
    client.force_login(coordinator_user)
    page = client.get(reverse("organisations:region", args=[region.slug])).content.decode()
    assert "参加を申請している自治体" in page and "DXの知見を共有したい" in page
    response = client.post(
        reverse("organisations:network_decide", args=[region.slug, join.pk]),
        {f"r{join.pk}-decision": "approve", f"r{join.pk}-note": ""},
    )
    assert response.status_code == 302
    assert region.organisations.filter(pk=aizu.pk).exists()
    accepted = Notification.objects.get(recipient=aizu_admin, kind="network.join_accepted")
    assert "会津若松市" in accepted.title
    join.refresh_from_db()
    assert join.status == "accepted" and join.decided_by == coordinator_user


def test_declining_needs_a_reason_next_to_its_field_and_tells_it(
    client, region, aizu, aizu_admin, coordinator_user
):
    _ask(client, aizu_admin, region, aizu)
    join = NetworkJoinRequest.objects.get(organisation=aizu)
    client.force_login(coordinator_user)
    url = reverse("organisations:network_decide", args=[region.slug, join.pk])
    response = client.post(url, {f"r{join.pk}-decision": "decline", f"r{join.pk}-note": " "})
    assert response.status_code == 400
    assert f"id_r{join.pk}-note_error" in response.content.decode()
    assert NetworkJoinRequest.objects.get(pk=join.pk).status == "pending"
    response = client.post(
        url, {f"r{join.pk}-decision": "decline", f"r{join.pk}-note": "圏域外のため"}
    )
    assert response.status_code == 302
    declined = Notification.objects.get(recipient=aizu_admin, kind="network.join_declined")
    assert "圏域外のため" in declined.body
    assert not region.organisations.filter(pk=aizu.pk).exists()


def test_asking_twice_or_as_a_member_is_refused(region, aizu, aizu_admin, koriyama):
    services.network_join_request(region=region, organisation=aizu, user=aizu_admin)
    with pytest.raises(MembershipError) as twice:
        services.network_join_request(region=region, organisation=aizu, user=aizu_admin)
    assert twice.value.code == "waiting"
    koriyama_admin = factories.make_member(koriyama, role="admin", email="a@city.koriyama.lg.jp")
    with pytest.raises(MembershipError) as member:
        services.network_join_request(region=region, organisation=koriyama, user=koriyama_admin)
    assert member.value.code == "member"


def test_only_admins_and_coordinators_of_a_municipality_ask(client, region, aizu, company):
    staff = factories.make_member(aizu, email="staff@city.aizuwakamatsu.example.jp")
    client.force_login(staff)
    assert client.get(reverse("organisations:network_join", args=[region.slug])).status_code == 403
    company_admin = factories.make_member(company, role="admin", email="boss@foodshare.example.com")
    with pytest.raises(MembershipError):
        services.network_join_request(region=region, organisation=company, user=company_admin)


def test_two_coordinators_deciding_at_once_decide_once(
    transactional_db, region, aizu, aizu_admin, coordinator_user, tamura
):
    from django.test import Client

    other = factories.make_member(tamura, role="coordinator", email="c@city.tamura.example.jp")
    join = services.network_join_request(region=region, organisation=aizu, user=aizu_admin)
    url = reverse("organisations:network_decide", args=[region.slug, join.pk])
    data = {f"r{join.pk}-decision": "approve", f"r{join.pk}-note": ""}
    posts = []
    for user in (coordinator_user, other):
        c = Client()
        c.force_login(user)
        posts.append((c, url, data))
    responses = parallel_posts(posts)
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert (
        Notification.objects.filter(recipient=aizu_admin, kind="network.join_accepted").count() == 1
    )


def test_agreements_and_fields_are_shown_on_the_page(client, region, koriyama, coordinator_user):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("organisations:network_agreement_add", args=[region.slug]),
        {
            "title": "広域・共創ネットワーク構築に関する協定",
            "signed_on": "2022-06-01",
            "text": "",
            "document_url": "",
        },
    )
    assert response.status_code == 400
    assert "協定の本文か、正式な文書のアドレスを入力してください。" in response.content.decode()
    client.post(
        reverse("organisations:network_agreement_add", args=[region.slug]),
        {
            "title": "広域・共創ネットワーク構築に関する協定",
            "signed_on": "2022-06-01",
            "text": "ノウハウ・人材をシェアする。",
            "document_url": "https://www.town.yokoze.example.jp/kyotei.pdf",
        },
    )
    assert NetworkAgreement.objects.get(region=region).signed_on == dt.date(2022, 6, 1)
    client.post(
        reverse("organisations:network_field_add", args=[region.slug]),
        {"organisation": str(koriyama.pk), "field": "官民共創", "note": ""},
    )
    # Not a double click (OnceMiddleware answers that): the same field with another note.
    again = client.post(
        reverse("organisations:network_field_add", args=[region.slug]),
        {"organisation": str(koriyama.pk), "field": "官民共創", "note": "再登録"},
    )
    assert again.status_code == 400 and "すでに登録されています" in again.content.decode()
    quest = make_quest(koriyama, title="窓口のオンライン化")
    page = client.get(reverse("organisations:region", args=[region.slug])).content.decode()
    assert "2022年6月1日(水)" in page and "https://www.town.yokoze.example.jp/kyotei.pdf" in page
    assert "官民共創" in page and quest.title in page
    field = NetworkField.objects.get(region=region)
    client.post(reverse("organisations:network_field_remove", args=[region.slug, field.pk]))
    assert not NetworkField.objects.exists()


@pytest.mark.parametrize(
    "who, manage",
    [
        ("no_org_user", 403),
        ("staff_user", 403),
        ("company_user", 403),
        ("coordinator_user", 200),
        ("site_admin", 200),
    ],
)
def test_who_runs_the_network(client, request, region, who, manage):
    client.force_login(request.getfixturevalue(who))
    url = reverse("organisations:network_agreement_add", args=[region.slug])
    assert client.get(url).status_code == manage
    page = client.get(reverse("organisations:region", args=[region.slug]))
    assert page.status_code == 200
    assert ("得意領域を登録" in page.content.decode()) == (manage == 200)
    response = client.post(
        reverse("organisations:network_field_add", args=[region.slug]),
        {"organisation": "1", "field": "DX"},
    )
    assert response.status_code in ({403} if manage == 403 else {302, 400})
    if manage == 403:
        assert not NetworkField.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, region):
    for name in ("network_join", "network_agreement_add"):
        response = client.get(reverse(f"organisations:{name}", args=[region.slug]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
