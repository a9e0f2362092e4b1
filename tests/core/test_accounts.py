"""Sign-in rules: email login, rate limits on, password reset by a typed code."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.core.account_mail import account_mail_sent

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def test_login_by_email_and_password(client, staff_user):
    response = client.post(
        reverse("account_login"), {"login": staff_user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_email_is_case_insensitive_at_login(client, staff_user):
    response = client.post(
        reverse("account_login"),
        {"login": staff_user.email.upper(), "password": factories.PASSWORD},
    )
    assert response.status_code == 302


def test_repeated_failed_logins_are_rate_limited(client, staff_user):
    """allauth's limits are on and shared through Redis: the 6th try on one account from
    one address is refused (other addresses: tests/core/test_security_accounts.py)."""
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": staff_user.email, "password": "wrong"}
        )
        assert response.status_code == 200
    response = client.post(
        reverse("account_login"), {"login": staff_user.email, "password": factories.PASSWORD}
    )
    # Even the right password is refused until the window passes.
    assert response.status_code == 200
    assert "ログイン失敗が連続しています" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_user_cannot_sign_in_without_the_code(client, db):
    from cocreation.accounts.models import User

    User.objects.create_user("unverified@example.com", factories.PASSWORD)
    with account_mail_sent():
        response = client.post(
            reverse("account_login"),
            {"login": "unverified@example.com", "password": factories.PASSWORD},
        )
    # allauth sends a code and asks for it instead of signing the person in.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert CODE.search(mail.outbox[-1].body)


def test_password_reset_by_typed_code(client, staff_user):
    with account_mail_sent():
        response = client.post(reverse("account_reset_password"), {"email": staff_user.email})
    assert response.status_code == 302
    message = mail.outbox[-1]
    # LGWAN gateways strip links: the code is in the plain text, and there is no HTML part.
    assert not message.alternatives
    code = CODE.search(message.body).group(1)
    response = client.post(reverse("account_confirm_password_reset_code"), {"code": code})
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"password1": "New-kyoso-pass-2021", "password2": "New-kyoso-pass-2021"},
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("New-kyoso-pass-2021")


def test_profile_edit_keeps_input_and_explains_errors(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "family_name": "郡山",
            "given_name": "太郎",
            "family_name_kana": "コオリヤマ",
            "given_name_kana": "タロウ",
            "department": "政策開発部 政策開発課",
            "position": "主事",
            "phone": "電話して",
            "preferred_language": "ja",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "電話番号は数字とハイフンで入力してください" in page
    assert 'value="政策開発部 政策開発課"' in page
    assert 'aria-invalid="true"' in page
    # Said once at the top (not also as a banner), each error linked to its field.
    assert page.count("保存できませんでした:") == 1
    assert 'href="#id_phone"' in page
    assert "カタカナまたはひらがなで（例：コオリヤマ）" in page


def test_profile_edit_saves(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "family_name": "郡山",
            "given_name": "太郎",
            "family_name_kana": "コオリヤマ",
            "given_name_kana": "タロウ",
            "department": "政策開発部 政策開発課",
            "position": "主事",
            "phone": "024-924-2021",
            "preferred_language": "ja",
        },
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.department == "政策開発部 政策開発課"
    assert "024-924-2021" in client.get(reverse("accounts:profile")).content.decode()
