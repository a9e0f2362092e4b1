"""Joining organisations: by verified mail domain, by request, and deciding requests."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from cocreation.notifications.models import Notification
from cocreation.organisations import services
from cocreation.organisations.errors import MembershipError
from cocreation.organisations.models import Membership
from tests import factories
from tests.core.account_mail import account_mail_sent
from tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db


def test_verified_koriyama_address_joins_koriyama_as_staff_at_once(koriyama):
    user = factories.make_user("sato@city.koriyama.lg.jp")
    membership = services.membership_join_by_domain(user=user, email=user.email)
    assert membership.organisation == koriyama
    assert membership.status == "active"
    assert membership.role == "member"
    assert membership.joined_by_domain
    assert Notification.objects.filter(recipient=user, kind="membership.joined_by_domain").exists()


def test_subdomain_of_registered_domain_also_joins(koriyama):
    user = factories.make_user("suzuki@mail.city.koriyama.lg.jp")
    assert services.membership_join_by_domain(user=user, email=user.email).organisation == koriyama


def test_lookalike_domain_does_not_join(koriyama):
    user = factories.make_user("evil@fakecity.koriyama.lg.jp.example.com")
    assert services.membership_join_by_domain(user=user, email=user.email) is None
    user2 = factories.make_user("evil@notcity.koriyama.lg.jp")
    assert services.membership_join_by_domain(user=user2, email=user2.email) is None


def test_joining_by_domain_twice_keeps_one_membership(koriyama):
    user = factories.make_user("twice@city.koriyama.lg.jp")
    services.membership_join_by_domain(user=user, email=user.email)
    services.membership_join_by_domain(user=user, email=user.email)
    assert Membership.objects.filter(user=user).count() == 1


def test_confirming_the_email_code_joins_the_municipality(client, koriyama):
    """The real allauth path: sign up, type the code, and you are 郡山市 staff."""
    with account_mail_sent():
        response = client.post(
            reverse("account_signup"),
            {
                "email": "hanako@city.koriyama.lg.jp",
                "password1": "Kyoso-portal-2020!",
                "password2": "Kyoso-portal-2020!",
                "family_name": "佐藤",
                "given_name": "花子",
                "family_name_kana": "サトウ",
                "given_name_kana": "ハナコ",
            },
        )
    assert response.status_code == 302
    assert not Membership.objects.filter(user__email="hanako@city.koriyama.lg.jp").exists()
    body = mail.outbox[-1].body
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, re.MULTILINE).group(1)
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="hanako@city.koriyama.lg.jp").verified
    membership = Membership.objects.get(user__email="hanako@city.koriyama.lg.jp")
    assert membership.organisation == koriyama and membership.status == "active"
    # LGWAN gateways strip HTML: the code email is plain text only.
    assert mail.outbox[0].content_subtype == "plain" and not mail.outbox[0].alternatives


def test_sign_up_with_bad_kana_keeps_the_form_and_says_why(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "kana@example.com",
            "password1": "Kyoso-portal-2020!",
            "password2": "Kyoso-portal-2020!",
            "family_name": "佐藤",
            "given_name": "花子",
            "family_name_kana": "sato",
            "given_name_kana": "ハナコ",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "カタカナまたはひらがな" in page
    assert 'value="佐藤"' in page and 'value="kana@example.com"' in page


def test_request_notifies_organisation_admin_and_approval_notifies_requester(
    client, company, org_admin_user, no_org_user
):
    client.force_login(no_org_user)
    response = client.post(
        reverse("organisations:join", args=[company.pk]),
        {"department": "営業部", "position": "主任", "message": "食品ロスの件で参加します"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=no_org_user, organisation=company)
    assert membership.status == "pending"
    assert Notification.objects.filter(recipient=org_admin_user, kind="membership.requested")

    client.force_login(org_admin_user)
    page = client.get(reverse("organisations:requests")).content.decode()
    assert no_org_user.email in page
    response = client.post(
        reverse("organisations:decide", args=[membership.pk]),
        {f"m{membership.pk}-decision": "approve", f"m{membership.pk}-note": ""},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "active"
    assert Notification.objects.filter(recipient=no_org_user, kind="membership.approved").exists()


def test_declining_needs_a_reason_and_keeps_the_form(client, company, org_admin_user, no_org_user):
    membership = services.membership_request(user=no_org_user, organisation=company)
    client.force_login(org_admin_user)
    response = client.post(
        reverse("organisations:decide", args=[membership.pk]),
        {f"m{membership.pk}-decision": "decline", f"m{membership.pk}-note": ""},
    )
    assert response.status_code == 200
    assert "理由を入力してください" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == "pending"

    client.post(
        reverse("organisations:decide", args=[membership.pk]),
        {f"m{membership.pk}-decision": "decline", f"m{membership.pk}-note": "在籍が確認できません"},
    )
    membership.refresh_from_db()
    assert membership.status == "declined"
    declined = Notification.objects.get(recipient=no_org_user, kind="membership.declined")
    assert "在籍が確認できません" in declined.body


def test_asking_twice_is_refused_with_a_message(client, company, no_org_user):
    services.membership_request(user=no_org_user, organisation=company)
    client.force_login(no_org_user)
    response = client.post(reverse("organisations:join", args=[company.pk]), {"message": "again"})
    assert response.status_code == 200
    assert "すでに" in response.content.decode()
    assert Membership.objects.filter(user=no_org_user, organisation=company).count() == 1


def test_a_declined_person_may_ask_again(company, org_admin_user, no_org_user):
    first = services.membership_request(user=no_org_user, organisation=company)
    services.membership_decide(
        membership_id=first.pk, decider=org_admin_user, approve=False, note="確認中"
    )
    second = services.membership_request(user=no_org_user, organisation=company)
    assert second.pk != first.pk and second.status == "pending"


def test_staff_of_another_organisation_cannot_decide(company, staff_user, no_org_user):
    membership = services.membership_request(user=no_org_user, organisation=company)
    with pytest.raises(MembershipError):
        services.membership_decide(membership_id=membership.pk, decider=staff_user, approve=True)


def test_registered_company_is_verified_by_a_coordinator(coordinator_user, no_org_user):
    membership = services.organisation_register(
        user=no_org_user, kind="company", name="株式会社みらいデジタル", message="DXで協力"
    )
    assert not membership.organisation.is_verified
    assert membership.role == "admin"
    assert Notification.objects.filter(recipient=coordinator_user, kind="membership.requested")
    services.membership_decide(membership_id=membership.pk, decider=coordinator_user, approve=True)
    membership.organisation.refresh_from_db()
    assert membership.organisation.is_verified


def test_last_admin_cannot_be_demoted(company, org_admin_user):
    membership = Membership.objects.get(user=org_admin_user)
    with pytest.raises(MembershipError):
        services.membership_update_role(
            membership_id=membership.pk, actor=org_admin_user, role="member"
        )


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_record_exactly_one_decision():
    company = factories.make_company()
    admins = [factories.make_member(company, role="admin") for _ in range(2)]
    requester = factories.make_user("wants-in@example.com")
    membership = services.membership_request(user=requester, organisation=company)
    clients = []
    for admin in admins:
        c = Client()
        c.force_login(admin)
        clients.append(c)
    url = reverse("organisations:decide", args=[membership.pk])
    requests = [
        (clients[0], url, {f"m{membership.pk}-decision": "approve"}),
        (clients[1], url, {f"m{membership.pk}-decision": "decline", f"m{membership.pk}-note": "x"}),
    ] * 5
    results = [r.status_code for r in parallel_posts(requests)]
    # One admin's decision is taken; that admin's double clicks are answered with its
    # result (302, run once); the other admin is told it was already answered (409).
    by_admin = {tuple(sorted(set(results[i::2]))) for i in range(2)}
    assert by_admin == {(302,), (409,)}, results
    membership.refresh_from_db()
    decided = Notification.objects.filter(
        recipient=requester, kind__in=["membership.approved", "membership.declined"]
    )
    assert decided.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_join_requests_make_one_membership():
    company = factories.make_company()
    factories.make_member(company, role="admin")
    person = factories.make_user("eager@example.com")
    clients = []
    for _ in range(10):
        c = Client()
        c.force_login(person)
        clients.append(c)
    url = reverse("organisations:join", args=[company.pk])
    results = [
        r.status_code for r in parallel_posts([(c, url, {"message": "参加希望"}) for c in clients])
    ]
    # The same request ten times runs once; the repeats are sent where the first went.
    assert results == [302] * 10, results
    assert Membership.objects.filter(user=person, organisation=company).count() == 1
    # Different content (another message) is a new request, refused with a message.
    response = clients[0].post(url, {"message": "もう一度"})
    assert response.status_code == 200 and "すでに" in response.content.decode()


def test_a_membership_refusal_is_a_portal_error_shown_next_to_its_field(
    client, company, no_org_user
):
    from cocreation.core.errors import PortalError

    with pytest.raises(PortalError) as refusal:
        services.organisation_register(user=no_org_user, kind="company", name=company.name)
    assert isinstance(refusal.value, MembershipError)
    assert refusal.value.field == "name" and refusal.value.code == "registered"

    client.force_login(no_org_user)
    response = client.post(
        reverse("organisations:register"), {"kind": "company", "name": company.name}
    )
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    assert not Membership.objects.filter(user=no_org_user).exists()
