"""Every page, tried as every role: who gets in and who is refused."""

import pytest
from django.urls import reverse

from cocreation.organisations.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, ADMIN_LOGIN = 200, "login", 403, "admin-login"

ANON, NO_ORG, STAFF, COMPANY, COORD, ADMIN = (
    "anonymous",
    "no_org_user",
    "staff_user",
    "company_user",
    "coordinator_user",
    "site_admin",
)


def everyone(outcome):
    return {role: outcome for role in (NO_ORG, STAFF, COMPANY, COORD, ADMIN)}


# page name -> expected outcome per role (anonymous listed explicitly)
PAGES = {
    "home": {ANON: OK, **everyone(OK)},
    "healthz": {ANON: OK, **everyone(OK)},
    "account_login": {ANON: OK},
    "account_signup": {ANON: OK},
    "account_reset_password": {ANON: OK, **everyone(OK)},
    "accounts:profile": {ANON: LOGIN, **everyone(OK)},
    "accounts:profile_edit": {ANON: LOGIN, **everyone(OK)},
    "organisations:list": {ANON: LOGIN, **everyone(OK)},
    "organisations:register": {ANON: LOGIN, **everyone(OK)},
    "organisations:detail": {ANON: LOGIN, **everyone(OK)},
    "organisations:join": {ANON: LOGIN, **everyone(OK)},
    "organisations:region": {ANON: LOGIN, **everyone(OK)},
    "organisations:announce": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "organisations:requests": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "organisations:handovers": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "notifications:list": {ANON: LOGIN, **everyone(OK)},
    "dashboard:portal": {ANON: OK, **everyone(OK)},
    "dashboard:portal_csv": {ANON: OK, **everyone(OK)},
    "dashboard:portal_json": {ANON: OK, **everyone(OK)},
    "dashboard:region": {ANON: OK, **everyone(OK)},
    "dashboard:region_csv": {ANON: OK, **everyone(OK)},
    "dashboard:region_json": {ANON: OK, **everyone(OK)},
    "dashboard:municipality": {ANON: OK, **everyone(OK)},
    "dashboard:municipality_csv": {ANON: OK, **everyone(OK)},
    "dashboard:municipality_json": {ANON: OK, **everyone(OK)},
    # Issue 13: members of companies and other non-municipal organisations follow.
    "quests:following": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: OK,
        COORD: FORBIDDEN,
        ADMIN: FORBIDDEN,
    },
    "quests:desk_list": {ANON: OK, **everyone(OK)},
    # Issue 14: published results to reuse (横展開), public.
    "quests:results_list": {ANON: OK, **everyone(OK)},
    # Issue 14: the staff exchange (the pages with ids: tests/exchange/test_pages_by_role.py).
    "exchange:list": {ANON: LOGIN, **everyone(OK)},
    "exchange:reports": {ANON: OK, **everyone(OK)},
    "exchange:offer": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "exchange:dashboard": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    # Issue 14: exchange meetings, for staff of the network's municipalities.
    "studygroups:meetings": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: OK,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "studygroups:network_meetings": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: OK,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "studygroups:meeting_create": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: FORBIDDEN,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "studygroups:meeting": {
        ANON: LOGIN,
        NO_ORG: FORBIDDEN,
        STAFF: OK,
        COMPANY: FORBIDDEN,
        COORD: OK,
        ADMIN: OK,
    },
    "admin:index": {
        ANON: ADMIN_LOGIN,
        NO_ORG: ADMIN_LOGIN,
        STAFF: ADMIN_LOGIN,
        COMPANY: ADMIN_LOGIN,
        COORD: ADMIN_LOGIN,
        ADMIN: OK,
    },
    "admin:organisations_membership_changelist": {
        ANON: ADMIN_LOGIN,
        STAFF: ADMIN_LOGIN,
        COORD: ADMIN_LOGIN,
        ADMIN: OK,
    },
}


def _url(name, organisation):
    if name in {"organisations:detail", "organisations:join", "organisations:handovers"}:
        return reverse(name, args=[organisation.pk])
    if name in {"organisations:region", "organisations:announce"} or name.startswith(
        "dashboard:region"
    ):
        return reverse(name, args=[organisation.regions.get().slug])
    if name.startswith("dashboard:municipality"):
        return reverse(name, args=[organisation.local_government_code])
    if name in {"studygroups:network_meetings", "studygroups:meeting_create"}:
        return reverse(name, args=[organisation.regions.get().slug])
    if name == "studygroups:meeting":
        return _exchange_meeting(organisation.regions.get()).get_absolute_url()
    return reverse(name)


def _exchange_meeting(region):
    import datetime as dt

    from django.utils import timezone

    from studygroups.models import ExchangeMeeting

    start = timezone.now() + dt.timedelta(days=7)
    return ExchangeMeeting.objects.create(
        region=region,
        field="DX",
        title="DX担当者 情報交換会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="郡山市役所",
    )


CASES = [(page, role) for page in sorted(PAGES) for role in PAGES[page]]


@pytest.mark.parametrize(("page", "role"), CASES)
def test_page_answers_each_role_as_stated(page, role, request, client, koriyama):
    expected = PAGES[page][role]
    if role != ANON:
        client.force_login(request.getfixturevalue(role))
    response = client.get(_url(page, koriyama))
    if expected == OK:
        assert response.status_code == 200, (page, role, response.status_code)
    elif expected == FORBIDDEN:
        assert response.status_code == 403, (page, role, response.status_code)
        assert "このページを開くことはできません" in response.content.decode()
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_signed_in_users_are_sent_away_from_the_login_page(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("account_login"))
    assert response.status_code == 302


def test_member_names_are_shown_to_members_but_not_to_outsiders(client, koriyama, company_user):
    colleague = factories.make_member(
        koriyama, email="colleague@city.koriyama.lg.jp", family="同僚"
    )
    url = reverse("organisations:detail", args=[koriyama.pk])

    client.force_login(company_user)
    page = client.get(url).content.decode()
    assert colleague.display_name not in page
    assert "参加を申請" in page

    client.force_login(colleague)
    assert colleague.display_name in client.get(url).content.decode()


def test_coordinator_of_region_sees_members_of_every_municipality_in_it(
    client, coordinator_user, tamura
):
    tamura_staff = factories.make_member(tamura, email="a@city.tamura.example.jp", family="田村")
    client.force_login(coordinator_user)
    page = client.get(reverse("organisations:detail", args=[tamura.pk])).content.decode()
    assert tamura_staff.display_name in page


def test_outsider_cannot_change_roles(client, koriyama, company_user):
    member = factories.make_member(koriyama, email="m@city.koriyama.lg.jp")
    membership = Membership.objects.get(user=member)
    client.force_login(company_user)
    response = client.post(
        reverse("organisations:member_role", args=[koriyama.pk, membership.pk]),
        {"role": "admin"},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == "member"


def test_header_shows_organisation_and_role(client, coordinator_user):
    client.force_login(coordinator_user)
    page = client.get(reverse("home")).content.decode()
    assert "郡山市" in page
    assert "コーディネーター" in page


def test_region_page_lists_its_municipalities_with_codes(client, staff_user, koriyama, tamura):
    client.force_login(staff_user)
    page = client.get(reverse("organisations:region", args=["koriyama-wide-area"])).content.decode()
    assert "072036" in page and "田村市" in page and "構成団体 2" in page
