"""Every exchange page, tried as every role: anonymous, no organisation, staff of the host,
staff of a member municipality of the host's network (the guest), staff of another
municipality (Koriyama, outside the network), a company member, a coordinator (Koriyama's,
who coordinates the Koriyama wide area Bandai belongs to), the admins of host and
employer, the mentor, and a site admin."""

import pytest
from django.urls import reverse

from studygroups.exchange.services import participation
from tests.exchange.conftest import LAST

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, MISSING, AWAY = 200, "login", 403, 404, 302
ROLES = [
    "anonymous",
    "no_org_user",
    "mentor",
    "host_staff",
    "guest",
    "staff_user",
    "company_user",
    "coordinator_user",
    "yokoze_admin",
    "bandai_admin",
    "site_admin",
]


def _row(
    anonymous, no_org, mentor, host_staff, guest, staff, company, coord, yokoze, bandai, admin
):
    return dict(
        zip(
            ROLES,
            [
                anonymous,
                no_org,
                mentor,
                host_staff,
                guest,
                staff,
                company,
                coord,
                yokoze,
                bandai,
                admin,
            ],
            strict=True,
        )
    )


L, Y, F, M, A = LOGIN, OK, FORBIDDEN, MISSING, AWAY
PAGES = {
    # name: (args, expected per role)
    "exchange:list": (None, _row(L, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y)),
    "exchange:reports": (None, _row(Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y)),
    "exchange:offer": (None, _row(L, F, F, F, F, F, F, Y, Y, Y, Y)),
    "exchange:dashboard": (None, _row(L, F, F, F, F, F, F, Y, Y, Y, Y)),
    "exchange:placement": ("placement", _row(L, M, Y, Y, Y, M, M, Y, Y, Y, Y)),
    # The guest applied already (sent to their application); the host's staff may not
    # apply to their own placement.
    "exchange:apply": ("placement", _row(L, M, F, F, A, M, M, F, F, Y, F)),
    "exchange:application": ("application", _row(L, M, Y, M, Y, M, M, Y, Y, Y, Y)),
    "exchange:log_add": ("application", _row(L, M, Y, M, Y, M, M, F, F, F, F)),
    "exchange:report": ("application", _row(L, M, Y, M, Y, M, M, F, F, F, F)),
    "exchange:on_site_day": ("application", _row(L, M, F, M, Y, M, M, F, F, F, F)),
}
POSTS = {
    "exchange:close": "placement",
    "exchange:employer_decide": "application",
    "exchange:host_decide": "application",
    "exchange:report_publish": "report",
}


@pytest.fixture
def host_staff(yokoze):
    from tests import factories

    return factories.make_member(yokoze, email="kikaku@yokoze.example.jp", family="企画")


@pytest.fixture
def world(accepted, guest):
    report = participation.report_write(
        application=accepted,
        user=guest,
        learned="l",
        host_takes_home="h",
        guest_takes_home="g",
        today=LAST,
    )
    return {"placement": accepted.placement, "application": accepted, "report": report}


def test_every_url_of_the_app_is_tried():
    from studygroups.exchange.urls import urlpatterns

    assert {f"exchange:{p.name}" for p in urlpatterns} == set(PAGES) | set(POSTS)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_answers_each_role_as_stated(page, request, client, world, host_staff):
    target, expected = PAGES[page]
    url = reverse(page, args=[world[target].pk] if target else [])
    for role, outcome in expected.items():
        client.logout()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        response = client.get(url)
        if outcome == LOGIN:
            assert response.status_code == 302, (page, role)
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == outcome, (page, role, response.status_code)


@pytest.mark.parametrize("page", sorted(POSTS))
def test_posts_refuse_outsiders_and_get_is_not_allowed(page, client, world, request, host_staff):
    url = reverse(page, args=[world[POSTS[page]].pk])
    assert client.post(url)["Location"].startswith(reverse("account_login"))
    for role in ("no_org_user", "staff_user", "company_user", "host_staff"):
        client.force_login(request.getfixturevalue(role))
        assert client.get(url).status_code == 405
        response = client.post(url, {"decision": "approve"})
        assert response.status_code in (302, 404), (page, role)
    # Nothing changed for any of them.
    world["report"].refresh_from_db()
    assert world["report"].published_at is None
    world["placement"].refresh_from_db()
    assert world["placement"].status == "open"
