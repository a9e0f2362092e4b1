"""What a municipal IT review asks of sign-in: the admin has no door of its own, wrong
passwords cannot lock a colleague out, sign-up does not say who has an account, and no
`next` leads off the site."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from cocreation.accounts import tasks
from cocreation.accounts.services import calendar_token_issue
from tests import factories

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
COLLEAGUE = "198.51.100.7"


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


# --- The admin signs in through the portal's login (and its limits) ------------------


def test_the_admin_login_page_sends_people_to_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/organisations/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/organisations/"
    # The admin's own pages send signed-out visitors the same way.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_the_admin_login_form_takes_no_password(client, site_admin):
    for _ in range(60):
        client.post("/admin/login/", {"username": site_admin.email, "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": site_admin.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_admin_passwords_are_limited_like_any_other(client, site_admin):
    for _ in range(5):
        assert _login(client, site_admin.email, "wrong").status_code == 200
    response = _login(client, site_admin.email, factories.PASSWORD)
    assert "ログイン失敗が連続しています" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_staff_signed_in_at_the_portal_reach_the_admin(client, site_admin):
    assert _login(client, site_admin.email, factories.PASSWORD).status_code == 302
    response = client.get("/admin/login/?next=/admin/organisations/")
    assert response["Location"] == "/admin/organisations/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_person_without_staff_status_is_refused_not_looped(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.parametrize("target", ["https://evil.example/phish", "javascript:alert(1)"])
def test_the_admin_login_keeps_next_on_the_site(client, site_admin, target):
    response = client.get("/admin/login/", {"next": target})
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"
    client.force_login(site_admin)
    assert client.get("/admin/login/", {"next": target})["Location"] == "/admin/"


# --- Wrong passwords are counted per address and per account and address -----------


def test_wrong_passwords_from_one_address_do_not_lock_a_colleague_out(staff_user):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        assert _login(attacker, staff_user.email, "wrong").status_code == 200
    colleague = Client(REMOTE_ADDR=COLLEAGUE)
    response = _login(colleague, staff_user.email, factories.PASSWORD)
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(staff_user.pk)
    # The address that guessed is limited, even with the right password.
    response = _login(attacker, staff_user.email, factories.PASSWORD)
    assert "ログイン失敗が連続しています" in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_one_address_guessing_many_accounts_is_limited(staff_user):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(10):
        _login(attacker, f"guess{n}@city.koriyama.lg.jp", "wrong")
    response = _login(attacker, staff_user.email, factories.PASSWORD)
    assert "_auth_user_id" not in attacker.session
    assert response.status_code in (200, 429)


# --- Sign-up does the same work whether or not the address has an account ----------


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast in tests) that counts how many passwords it hashed."""

    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def _signup_data(email: str) -> dict:
    return {
        "email": email,
        "password1": "Kyoso-portal-2020!",
        "password2": "Kyoso-portal-2020!",
        "family_name": "佐藤",
        "given_name": "花子",
        "family_name_kana": "サトウ",
        "given_name_kana": "ハナコ",
    }


def _work_of_a_signup(client, email, settings, monkeypatch, capture) -> tuple[int, list, int]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    queued = []
    monkeypatch.setattr(tasks.send_account_mail, "delay", lambda *a, **k: queued.append(a))
    mail.outbox = []
    with capture(execute=True):
        response = client.post(reverse("account_signup"), _signup_data(email))
        sent_in_request = len(mail.outbox)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    return CountingHasher.calls, queued, sent_in_request


def test_sign_up_does_the_same_work_for_a_new_and_a_known_address(
    client, staff_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    new = _work_of_a_signup(
        client, "new.person@example.com", settings, monkeypatch, django_capture_on_commit_callbacks
    )
    known = _work_of_a_signup(
        Client(), staff_user.email, settings, monkeypatch, django_capture_on_commit_callbacks
    )
    # One password hashed, one mail queued for a worker, none sent while the person waits.
    assert (new[0], len(new[1]), new[2]) == (1, 1, 0)
    assert (known[0], len(known[1]), known[2]) == (1, 1, 0)


def test_the_queued_account_mail_is_sent_by_the_task(
    client, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    task = tasks.send_account_mail
    monkeypatch.setattr(task, "delay", lambda *a, **k: task.apply(a, k))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), _signup_data(staff_user.email))
    (message,) = mail.outbox
    assert message.to == [staff_user.email]
    assert message.subject.startswith("[官民共創ポータル]")
    assert message.content_subtype == "plain" and not message.alternatives


# --- Addresses from the URL ----------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/phish", "javascript:alert(1)", "//x.io"])
def test_the_language_switch_stays_on_the_site(client, target):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_language_switch_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/quests/?page=2"})
    assert response["Location"] == "/quests/?page=2"


@pytest.mark.parametrize(
    "token",
    ["%00" * 30, "a" * 20 + "%00" + "b" * 22, "é" * 43, "a" * 200, "x' OR '1'='1" + "a" * 30],
)
@pytest.mark.parametrize(
    "feed",
    [
        "/spaces/ical/{}/mine.ics",
        "/spaces/ical/{}/space-1.ics",
        "/studygroups/ical/{}/mine.ics",
        "/studygroups/ical/{}/cohort-1.ics",
    ],
)
def test_a_malformed_calendar_token_is_not_found(client, staff_user, feed, token):
    calendar_token_issue(user=staff_user)
    assert client.get(feed.format(token)).status_code == 404


@pytest.mark.parametrize("target", ["https://evil.example/phish", "javascript:alert(1)"])
def test_signing_in_keeps_next_on_the_site(client, staff_user, target):
    response = client.post(
        f"{reverse('account_login')}?next={target}",
        {"login": staff_user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_too_many_sign_in_requests_are_answered_in_japanese(staff_user):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    responses = [_login(attacker, f"guess{n}@example.com", "wrong") for n in range(31)]
    assert responses[-1].status_code == 429
    assert "試行回数が多すぎます" in responses[-1].content.decode()
