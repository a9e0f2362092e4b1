"""Hostile and careless input on the pages of accounts, organisations and notifications:
a message next to the field, the input kept, nothing saved, never a 500; a double click
makes one request."""

import pytest
from django.test import Client
from django.urls import reverse

from cocreation.accounts.models import User
from cocreation.notifications import services as notification_services
from cocreation.notifications.models import Notification
from cocreation.organisations.models import Membership, Organisation
from tests import factories
from tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "目に見えない制御文字"
HOSTILE_TEXT = [
    "株式会社\u202eエビル",  # right-to-left override: reads differently from what is stored
    "名前\u2066隔離",
    "名前\x1b[31m",
    "名前\x07",
]


def _signup_data(**changes) -> dict:
    return {
        "email": "hanako@example.com",
        "password1": "Kyoso-portal-2020!",
        "password2": "Kyoso-portal-2020!",
        "family_name": "佐藤",
        "given_name": "花子",
        "family_name_kana": "サトウ",
        "given_name_kana": "ハナコ",
        **changes,
    }


def _profile_data(**changes) -> dict:
    return {
        "family_name": "郡山",
        "given_name": "太郎",
        "family_name_kana": "コオリヤマ",
        "given_name_kana": "タロウ",
        "department": "政策開発部",
        "position": "主事",
        "phone": "024-924-2021",
        "preferred_language": "ja",
        **changes,
    }


# --- Names and titles with control or bidirectional override characters --------------


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_an_organisation_name_with_control_characters_is_refused_and_kept(
    client, no_org_user, value
):
    client.force_login(no_org_user)
    response = client.post(
        reverse("organisations:register"), {"kind": "company", "name": value, "department": "営業"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert CONTROL_MESSAGE in page
    assert 'value="営業"' in page
    assert not Organisation.objects.filter(name__contains="名").exists()
    assert not Organisation.objects.filter(name__startswith="株式会社").exists()


@pytest.mark.parametrize("field", ["department", "position"])
def test_a_membership_request_with_a_bidi_override_is_refused(client, company, no_org_user, field):
    client.force_login(no_org_user)
    response = client.post(
        reverse("organisations:join", args=[company.pk]),
        {"department": "営業部", "position": "主任", field: "営業\u202e部", "message": "参加希望"},
    )
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    assert "参加希望" in response.content.decode()
    assert not Membership.objects.filter(user=no_org_user).exists()


@pytest.mark.parametrize("field", ["family_name", "given_name", "department", "position"])
def test_a_profile_name_with_a_bidi_override_is_refused(client, staff_user, field):
    client.force_login(staff_user)
    response = client.post(
        reverse("accounts:profile_edit"), _profile_data(**{field: "郡山\u202e太郎"})
    )
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    staff_user.refresh_from_db()
    assert "\u202e" not in getattr(staff_user, field)


def test_sign_up_with_a_bidi_override_in_the_name_is_refused_and_kept(client):
    response = client.post(reverse("account_signup"), _signup_data(family_name="佐\u202e藤"))
    assert response.status_code == 200
    page = response.content.decode()
    assert CONTROL_MESSAGE in page
    assert 'value="hanako@example.com"' in page
    assert not User.objects.filter(email="hanako@example.com").exists()


@pytest.mark.parametrize("password", ["Kyoso\u200bportal-2020", "Kyoso-\u202eportal-2020"])
def test_a_password_is_taken_as_typed_at_sign_up_as_login_takes_it(client, password):
    # A password is never shown: the invisible and reordering characters refused in names
    # mislead no reader there, and login takes any password, so sign-up takes it too.
    response = client.post(
        reverse("account_signup"), _signup_data(password1=password, password2=password)
    )
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(email="hanako@example.com").check_password(password)


def test_the_admin_refuses_control_characters_in_names(client, site_admin, staff_user, company):
    client.force_login(site_admin)
    response = client.post(
        reverse("admin:organisations_organisation_change", args=[company.pk]),
        {
            "kind": "company",
            "name": "株式会社\u202eエビル",
            "name_kana": "",
            "prefecture": "",
            "website": "",
            "local_government_code": "",
            "is_verified": "on",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    company.refresh_from_db()
    assert company.name == "株式会社フードシェア福島"


def test_the_models_refuse_what_no_form_saw():
    from django.core.exceptions import ValidationError

    user = User(email="x@example.com", family_name="佐\u202e藤")
    with pytest.raises(ValidationError) as refused:
        user.full_clean(exclude=["password"])
    assert "family_name" in refused.value.message_dict
    organisation = Organisation(kind="company", name="株式会社\x1bエビル")
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "name" in refused.value.message_dict


# --- Other hostile values on the organisation pages -------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "あ" * 10_000),
        ("name", "名前\x00"),
        ("kind", "municipality"),
        ("kind", "²"),
        ("prefecture", "火星"),
        ("website", "javascript:alert(1)"),
        ("message", "x" * 10_000),
        ("message", "本文\x00"),
    ],
)
def test_organisation_registration_refuses_hostile_values_next_to_the_field(
    client, no_org_user, field, value
):
    client.force_login(no_org_user)
    data = {"kind": "company", "name": "株式会社テスト", "department": "営業", field: value}
    response = client.post(reverse("organisations:register"), data)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Organisation.objects.filter(kind="company", is_verified=False).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/{n}/",
        "/organisations/{n}/join/",
        "/organisations/requests/{n}/decide/",
        "/organisations/{n}/members/{n}/role/",
        "/notifications/{n}/",
    ],
)
def test_a_30_digit_id_is_not_found(client, no_org_user, path):
    client.force_login(no_org_user)
    url = path.format(n="9" * 30)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"message": "x", "role": "member"}).status_code in (404, 405)


@pytest.mark.parametrize("role", ["owner", "²", "\x00", "a" * 10_000])
def test_a_wrong_role_is_refused_with_a_message(client, company, org_admin_user, role):
    member = factories.make_member(company, email="m@foodshare.example.com")
    membership = Membership.objects.get(user=member)
    client.force_login(org_admin_user)
    response = client.post(
        reverse("organisations:member_role", args=[company.pk, membership.pk]),
        {"role": role},
        follow=True,
    )
    assert response.status_code == 200
    assert "正しい役割" in response.content.decode() or "役割" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "member"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"decision": "decline", "note": "理由\u202e"}, "note"),
        ({"decision": "decline", "note": "x" * 10_000}, "note"),
    ],
)
def test_a_hostile_decision_keeps_the_form(
    client, company, org_admin_user, no_org_user, data, field
):
    from cocreation.organisations import services

    membership = services.membership_request(user=no_org_user, organisation=company)
    client.force_login(org_admin_user)
    prefixed = {f"m{membership.pk}-{k}": v for k, v in data.items()}
    response = client.post(reverse("organisations:decide", args=[membership.pk]), prefixed)
    assert response.status_code == 200
    assert f'id="id_m{membership.pk}-{field}_error"' in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == "pending"


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"q": "あ " * 3000},
        {"region": "9" * 30},
        {"region": "²"},
        {"kind": "evil"},
        {"page": "²"},
        {"page": "9" * 30},
    ],
)
def test_the_directory_survives_a_hostile_query_and_says_so(client, no_org_user, company, query):
    client.force_login(no_org_user)
    response = client.get(reverse("organisations:list"), query)
    assert response.status_code == 200
    assert "条件の一部を読み取れませんでした" in response.content.decode()


# --- Notifications ------------------------------------------------------------------


def _notifications(user, n=2):
    return [
        notification_services.notify(
            user,
            "membership.approved",
            None,
            context={"organisation": f"団体{i}", "decider": "調整 太郎"},
            key=f"hostile-{user.pk}-{i}",
            email=False,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("value", ["²", "abc", "9" * 30, "-1", "\x00", "1.5"])
def test_marking_read_with_a_hostile_id_changes_nothing_and_says_so(client, staff_user, value):
    _notifications(staff_user)
    client.force_login(staff_user)
    response = client.post(reverse("notifications:mark_read"), {"id": value}, follow=True)
    assert response.status_code == 200
    assert "既読にできませんでした" in response.content.decode()
    assert Notification.objects.filter(recipient=staff_user, read_at__isnull=True).count() == 2


def test_marking_read_twice_is_harmless(client, staff_user):
    first, _ = _notifications(staff_user)
    client.force_login(staff_user)
    for _ in range(2):
        response = client.post(reverse("notifications:mark_read"), {"id": first.pk}, follow=True)
        assert response.status_code == 200
    assert Notification.objects.filter(recipient=staff_user, read_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    "query",
    [{"page": "²"}, {"page": "abc"}, {"page": "9" * 30}, {"unread": "\x00"}, {"unread": "yes"}],
)
def test_the_notification_list_survives_a_hostile_query(client, staff_user, query):
    _notifications(staff_user)
    client.force_login(staff_user)
    response = client.get(reverse("notifications:list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "団体0" in page
    assert "一部を読み取れませんでした" in page


# --- A double click makes one --------------------------------------------------------


def _clients(user, n):
    clients = []
    for _ in range(n):
        c = Client()
        c.force_login(user)
        clients.append(c)
    return clients


@pytest.mark.django_db(transaction=True)
def test_five_identical_membership_requests_make_one():
    company = factories.make_company()
    factories.make_member(company, role="admin")
    person = factories.make_user("eager@example.com")
    url = reverse("organisations:join", args=[company.pk])
    data = {"department": "営業部", "position": "主任", "message": "参加希望"}
    responses = parallel_posts([(c, url, data) for c in _clients(person, 5)])
    assert [r.status_code for r in responses] == [302] * 5
    assert Membership.objects.filter(user=person, organisation=company).count() == 1
    assert Notification.objects.filter(kind="membership.requested").count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_identical_organisation_registrations_make_one():
    factories.make_member(factories.make_municipality(), role="coordinator")
    person = factories.make_user("founder@example.com")
    url = reverse("organisations:register")
    data = {"kind": "company", "name": "株式会社みらいデジタル", "department": "営業"}
    responses = parallel_posts([(c, url, data) for c in _clients(person, 5)])
    assert [r.status_code for r in responses] == [302] * 5
    assert Organisation.objects.filter(name="株式会社みらいデジタル").count() == 1
    assert Membership.objects.filter(user=person).count() == 1
