"""Races on membership and account write paths: simultaneous requests over real
PostgreSQL, each with its own connection and transaction."""

import pytest
from django.test import Client
from django.urls import reverse

from cocreation.accounts.models import User
from cocreation.accounts.selectors import user_for_calendar_token
from cocreation.accounts.services import calendar_token_issue
from cocreation.organisations.models import Membership
from tests import factories
from tests.parallel import at_once, parallel_posts


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin_and_no_error():
    for round_ in range(8):
        requests = []
        companies = []
        for n in range(2):
            company = factories.make_company(f"株式会社みらい{round_}-{n}")
            first, second = (factories.make_member(company, role="admin") for _ in range(2))
            companies.append(company)
            for actor, target in ((first, second), (second, first)):
                membership = Membership.objects.get(user=target, organisation=company)
                url = reverse("organisations:member_role", args=[company.pk, membership.pk])
                requests.append((_client(actor), url, {"role": "member"}))
        responses = parallel_posts(requests)
        # 403: the actor was demoted before their own request was checked.
        assert {r.status_code for r in responses} <= {302, 403}
        for company in companies:
            admins = Membership.objects.filter(organisation=company, role="admin", status="active")
            assert admins.count() == 1


PROFILE = {
    "family_name": "高岡",
    "given_name": "景",
    "family_name_kana": "タカオカ",
    "given_name_kana": "ケイ",
    "department": "政策開発課",
    "position": "主任",
    "phone": "",
    "preferred_language": "ja",
}


@pytest.mark.django_db(transaction=True)
def test_a_profile_saved_during_a_calendar_reset_does_not_revive_the_old_address(settings):
    """The person resets a leaked calendar address while a profile form open in another
    tab is saved: the old address must stay dead."""
    # Each round sends the same reset again within seconds; here it is meant each time.
    settings.ONCE_WINDOW_SECONDS = 0
    user = factories.make_user("kaede@example.test")
    for _round in range(4):
        old = calendar_token_issue(user=User.objects.get(pk=user.pk))
        requests = [(_client(user), reverse("spaces:calendar_reset"), {})]
        requests += [(_client(user), reverse("accounts:profile_edit"), PROFILE) for _ in range(9)]
        responses = parallel_posts(requests)
        assert [r.status_code for r in responses] == [302] * len(requests)
        assert user_for_calendar_token(old) is None, "a stale profile save revived the old address"
        assert User.objects.get(pk=user.pk).department == "政策開発課"


@pytest.mark.django_db(transaction=True)
def test_a_profile_saved_during_a_password_change_keeps_the_new_password():
    """A profile form open in another tab must not write back the old password hash."""
    user = factories.make_user("kaede@example.test")
    passwords = [factories.PASSWORD, *(f"kyoso-new-password-{n}" for n in range(4))]
    for old, new in zip(passwords, passwords[1:], strict=False):
        user = User.objects.get(pk=user.pk)
        change = {"oldpassword": old, "password1": new, "password2": new}
        requests = [(_client(user), reverse("account_change_password"), change)]
        requests += [(_client(user), reverse("accounts:profile_edit"), PROFILE) for _ in range(9)]
        responses = parallel_posts(requests)
        assert [r.status_code for r in responses] == [302] * len(requests)
        assert responses[0]["Location"] == reverse("account_change_password")
        refreshed = User.objects.get(pk=user.pk)
        assert refreshed.check_password(new), "a stale profile save restored the old password"


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_of_a_staff_address_at_once_join_once():
    from cocreation.organisations.services import membership_join_by_domain

    koriyama = factories.make_municipality()
    for round_ in range(5):
        user = factories.make_user(f"twice{round_}@city.koriyama.lg.jp")
        at_once(lambda user=user: membership_join_by_domain(user=user, email=user.email), 4)
        assert Membership.objects.filter(user=user, organisation=koriyama).count() == 1
