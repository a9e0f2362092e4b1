"""A municipal employee signs up, types the emailed code, and finds herself in her city."""

import re

import pytest
from django.core import mail

from cocreation.accounts import tasks
from tests import factories

from .steps import click_through, main_text, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _account_mail_sent_in_process(monkeypatch):
    """Account mails go out from a Celery worker; here the live server's process sends
    them itself, so that they land in this process's outbox."""
    monkeypatch.setattr(
        tasks.send_account_mail, "delay", lambda *a, **k: tasks.send_account_mail.apply(a, k)
    )


CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.M)


def _code_from_last_mail() -> str:
    message = mail.outbox[-1]
    # The whole message must work as plain text: LGWAN gateways strip HTML and links.
    match = CODE.search(message.body)
    assert match, message.body
    return match.group(1)


def test_staff_signs_up_with_a_code_and_joins_her_municipality(page, screenshot, live_server):
    factories.make_municipality()  # 郡山市, mail domain city.koriyama.lg.jp
    page.goto("/")
    click_through(page, page.get_by_role("link", name="新規登録").first)
    page.get_by_label("メールアドレス").fill("hanako.sato@city.koriyama.lg.jp")
    page.locator("#id_password1").fill("Koriyama-Quest-2020")
    page.locator("#id_password2").fill("Koriyama-Quest-2020")
    page.get_by_label("姓（漢字）").fill("佐藤")
    page.get_by_label("名（漢字）").fill("花子")
    page.get_by_label("姓（カナ）").fill("サトウ")
    page.get_by_label("名（カナ）").fill("ハナコ")
    screenshot("signup-form")
    click_through(page, page.locator("main form button[type=submit]"))

    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert mail.outbox, "no verification email was sent"
    page.locator("input[name=code]").fill(_code_from_last_mail())
    screenshot("signup-code")
    click_through(page, page.locator("main form button[type=submit]").first)

    page.goto("/accounts/profile/")
    assert page.get_by_text("郡山市").first.is_visible()
    assert "佐藤" in main_text(page)
    screenshot("profile-after-signup")

    sign_out(page)
    sign_in(page, "hanako.sato@city.koriyama.lg.jp", "Koriyama-Quest-2020")
    page.goto("/accounts/profile/")
    assert "郡山市" in main_text(page)


def test_wrong_code_is_refused_with_a_message_and_the_form_kept(page, screenshot):
    factories.make_municipality()
    page.goto("/accounts/signup/")
    page.get_by_label("メールアドレス").fill("jiro@city.koriyama.lg.jp")
    page.locator("#id_password1").fill("Koriyama-Quest-2020")
    page.locator("#id_password2").fill("Koriyama-Quest-2020")
    page.get_by_label("姓（漢字）").fill("鈴木")
    page.get_by_label("名（漢字）").fill("次郎")
    page.get_by_label("姓（カナ）").fill("スズキ")
    page.get_by_label("名（カナ）").fill("ジロウ")
    click_through(page, page.locator("main form button[type=submit]"))
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    page.locator("input[name=code]").fill("AAAA-BBBB")
    click_through(page, page.locator("main form button[type=submit]").first)
    assert page.locator("input[name=code]").is_visible()
    assert "コード" in main_text(page)
    screenshot("signup-wrong-code")


def test_keyboard_reaches_the_skip_link_first_and_it_moves_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
