"""Every proposal desk page, opened as every role: who gets in, who is refused (403), and
to whom a proposal or an unpublished session does not exist (404)."""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from quests.models import DeskCriterion, DeskDepartment, DeskMember, ProposalDesk
from quests.services import desks as services
from tests import factories
from tests.quests.test_desks import TEXT

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "no_org",
    "other_municipality_staff",
    "proposer",
    "other_company",
    "coordinator",
    "site_admin",
    "desk_staff",
    "reviewer",
    "department",
]
LOGIN = "login"
DESK_SIDE = {"desk_staff", "reviewer", "site_admin"}


def _expect(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


PAGES = {
    "desk_list": _expect(200),
    "desk_open": _expect(
        200,
        anonymous=LOGIN,
        no_org=403,
        proposer=403,
        other_company=403,
        site_admin=403,
    ),
    "desk_edit": _expect(403, anonymous=LOGIN, desk_staff=200, site_admin=200),
    "desk_detail": _expect(200),
    "desk_propose": _expect(
        403,
        anonymous=LOGIN,
        other_municipality_staff=200,
        proposer=200,
        other_company=200,
        coordinator=200,
    ),
    "desk_proposals": _expect(403, anonymous=LOGIN, **dict.fromkeys(DESK_SIDE, 200)),
    "desk_proposal": _expect(
        404, anonymous=LOGIN, proposer=200, department=200, **dict.fromkeys(DESK_SIDE, 200)
    ),
    "desk_proposal_edit": _expect(
        404, anonymous=LOGIN, proposer=200, department=403, **dict.fromkeys(DESK_SIDE, 403)
    ),
    "desk_session_create": _expect(403, anonymous=LOGIN, desk_staff=200, site_admin=200),
    "desk_session": _expect(404, **dict.fromkeys(DESK_SIDE, 200)),
    "desk_board": _expect(403, anonymous=LOGIN, **dict.fromkeys(DESK_SIDE, 200)),
    "desk_score": _expect(403, anonymous=LOGIN, reviewer=200),
}
# Buttons only: a GET is refused by method (after the sign-in check).
POST_ONLY = [
    "desk_triage",
    "desk_route",
    "desk_message",
    "desk_department_view",
    "desk_agenda_add",
    "desk_decide",
    "desk_minutes",
]


def test_every_desk_address_is_listed_here():
    names = {
        name
        for name in get_resolver().namespace_dict["quests"][1].reverse_dict
        if isinstance(name, str) and name.startswith("desk_")
    }
    assert names == set(PAGES) | set(POST_ONLY)


@pytest.fixture
def world(request, company, company_user):
    yokoze = factories.make_municipality(
        name="横瀬町", code="113611", domain="yokoze.example.jp", prefecture="埼玉県"
    )
    people = {
        "desk_staff": factories.make_member(yokoze, email="office@yokoze.example.jp"),
        "reviewer": factories.make_member(yokoze, email="reviewer@yokoze.example.jp"),
        "department": factories.make_member(yokoze, email="dept@yokoze.example.jp"),
    }
    desk = ProposalDesk.objects.create(
        name="よこらぼ", host=yokoze, intake_text="提案を", board_rules="毎月"
    )
    DeskMember.objects.create(desk=desk, user=people["desk_staff"], role="staff")
    DeskMember.objects.create(desk=desk, user=people["reviewer"], role="reviewer")
    DeskCriterion.objects.create(desk=desk, name="町のメリット")
    department = DeskDepartment.objects.create(desk=desk, organisation=yokoze, name="振興課")
    department.members.add(people["department"])
    staff = people["desk_staff"]
    waiting = services.open_proposal_save(
        desk=desk, user=company_user, organisation=company, data=TEXT
    )
    services.open_proposal_route(proposal=waiting, user=staff, departments=[department])
    on_board = services.open_proposal_save(
        desk=desk, user=company_user, organisation=company, data={**TEXT, "title": "二つ目"}
    )
    services.open_proposal_triage(proposal=on_board, user=staff, action="to_board")
    session = services.session_create(
        desk=desk, user=staff, held_on=timezone.localdate() + dt.timedelta(days=5)
    )
    item = services.agenda_add(session=session, user=staff, proposal=on_board)
    routing = waiting.routings.get()
    users = {
        "anonymous": None,
        "no_org": request.getfixturevalue("no_org_user"),
        "other_municipality_staff": request.getfixturevalue("staff_user"),
        "proposer": company_user,
        "other_company": request.getfixturevalue("other_company_user"),
        "coordinator": request.getfixturevalue("coordinator_user"),
        "site_admin": request.getfixturevalue("site_admin"),
        **people,
    }
    d, p, s = desk.pk, waiting.pk, session.pk
    urls = {
        "desk_list": [],
        "desk_open": [],
        "desk_edit": [d],
        "desk_detail": [d],
        "desk_propose": [d],
        "desk_proposals": [d],
        "desk_proposal": [d, p],
        "desk_proposal_edit": [d, p],
        "desk_session_create": [d],
        "desk_session": [d, s],
        "desk_board": [d, s],
        "desk_score": [d, s, item.pk],
        "desk_triage": [d, p],
        "desk_route": [d, p],
        "desk_message": [d, p],
        "desk_department_view": [d, p, routing.pk],
        "desk_agenda_add": [d, s],
        "desk_decide": [d, s, item.pk],
        "desk_minutes": [d, s],
    }
    return users, {name: reverse(f"quests:{name}", args=args) for name, args in urls.items()}


@pytest.mark.parametrize("role", ROLES)
def test_each_desk_page_answers_each_role_as_stated(client, world, role):
    users, urls = world
    if users[role] is not None:
        client.force_login(users[role])
    answers = {}
    for name in PAGES:
        response = client.get(urls[name])
        answers[name] = (
            LOGIN
            if response.status_code == 302 and "/accounts/login/" in response["Location"]
            else response.status_code
        )
    assert answers == {name: PAGES[name][role] for name in PAGES}
    for name in POST_ONLY:
        status = client.get(urls[name]).status_code
        assert status == (302 if role == "anonymous" else 405), (name, status)
