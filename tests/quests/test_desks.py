"""Proposal desks (よこらぼ): each step over HTTP, each refusal tried as every role, what
the confidential part reaches, the plain-text reason, the public minutes, and the
adoption that makes one co-creation project however often it is decided."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications import services as notifications
from cocreation.notifications.models import Notification
from quests.models import (
    AgendaItem,
    BoardScore,
    BoardSession,
    DeskCriterion,
    DeskDepartment,
    DeskMember,
    OpenProposal,
    Proposal,
    ProposalDesk,
    Quest,
    TeamMember,
)
from quests.services import desks as services
from tests import factories
from tests.parallel import parallel_posts

SECRET = "見積額は月額15万円（非公開）"
TEXT = {
    "title": "オンデマンド乗合交通の実証",
    "summary": "高齢者の買い物と通院の足を確保する",
    "approach": "予約システムを無償で提供する",
    "benefit_town": "交通空白の解消",
    "benefit_residents": "免許返納後も外出できる",
    "benefit_proposer": "事業性の検証",
    "needs_from_municipality": "周知",
    "schedule": "6か月",
    "confidential": SECRET,
}


@pytest.fixture
def yokoze(db):
    return factories.make_municipality(
        name="横瀬町", code="113611", domain="yokoze.example.jp", prefecture="埼玉県"
    )


@pytest.fixture
def people(yokoze):
    def member(local, family):
        return factories.make_member(yokoze, email=f"{local}@yokoze.example.jp", family=family)

    return {
        "desk_staff": member("office", "浅見"),
        "desk_staff2": member("office2", "町田"),
        "reviewer": member("reviewer", "富田"),
        "reviewer2": member("reviewer2", "大野"),
        "department": member("kurosawa", "黒沢"),
    }


@pytest.fixture
def desk(yokoze, people):
    desk = ProposalDesk.objects.create(
        name="よこらぼ", host=yokoze, intake_text="何でも提案を", board_rules="毎月審査"
    )
    DeskMember.objects.bulk_create(
        [
            DeskMember(desk=desk, user=people["desk_staff"], role="staff"),
            DeskMember(desk=desk, user=people["desk_staff2"], role="staff"),
            DeskMember(desk=desk, user=people["reviewer"], role="reviewer"),
            DeskMember(desk=desk, user=people["reviewer2"], role="reviewer"),
        ]
    )
    for i, (name, weight) in enumerate(
        [("町のメリット", 2), ("住民のメリット", 2), ("提案者のメリット", 1)]
    ):
        DeskCriterion.objects.create(desk=desk, name=name, weight=weight, position=i)
    department = DeskDepartment.objects.create(desk=desk, organisation=yokoze, name="振興課")
    department.members.add(people["department"])
    return desk


@pytest.fixture
def open_proposal(desk, company, company_user):
    return services.open_proposal_save(
        desk=desk, user=company_user, organisation=company, data=TEXT
    )


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _to_board(proposal, people):
    services.open_proposal_triage(proposal=proposal, user=people["desk_staff"], action="to_board")
    services.open_proposal_route(
        proposal=proposal,
        user=people["desk_staff"],
        departments=list(proposal.desk.departments.all()),
    )


def _item(proposal, people, day=None) -> AgendaItem:
    session = services.session_create(
        desk=proposal.desk,
        user=people["desk_staff"],
        held_on=day or timezone.localdate() + dt.timedelta(days=7),
    )
    return services.agenda_add(session=session, user=people["desk_staff"], proposal=proposal)


# --- The whole path, over HTTP ------------------------------------------------------------


def test_a_company_proposal_goes_through_triage_routing_board_and_becomes_a_project(
    desk, people, company, company_user
):
    company_client = _client(company_user)
    staff = _client(people["desk_staff"])
    response = company_client.post(
        reverse("quests:desk_propose", args=[desk.pk]), {**TEXT, "organisation": company.pk}
    )
    proposal = OpenProposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert Notification.objects.filter(
        recipient=people["desk_staff"], kind="quest.desk_proposal_received"
    ).exists()

    base = [desk.pk, proposal.pk]
    staff.post(
        reverse("quests:desk_triage", args=base),
        {"action": "needs_info", "reason": "運行事業者は決まっていますか。"},
    )
    proposal.refresh_from_db()
    assert proposal.state == "needs_info"
    assert proposal.messages.get().body == "運行事業者は決まっていますか。"
    # The proposer answers in the thread and changes the text: back to triage.
    company_client.post(
        reverse("quests:desk_message", args=base), {"body": "町内のタクシー会社です。"}
    )
    company_client.post(
        reverse("quests:desk_proposal_edit", args=base),
        {**TEXT, "approach": "町内のタクシー会社と運行"},
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.approach) == ("submitted", "町内のタクシー会社と運行")

    staff.post(reverse("quests:desk_triage", args=base), {"action": "to_board"})
    department = desk.departments.get()
    staff.post(reverse("quests:desk_route", args=base), {"departments": [department.pk]})
    routing = proposal.routings.get()
    _client(people["department"]).post(
        reverse("quests:desk_department_view", args=[*base, routing.pk]),
        {"view": "振興課として協力できる。"},
    )
    routing.refresh_from_db()
    assert routing.view == "振興課として協力できる。"

    day = timezone.localdate() + dt.timedelta(days=10)
    staff.post(
        reverse("quests:desk_session_create", args=[desk.pk]),
        {"held_on": day.isoformat(), "place": "役場"},
    )
    session = BoardSession.objects.get()
    staff.post(
        reverse("quests:desk_agenda_add", args=[desk.pk, session.pk]), {"proposal": proposal.pk}
    )
    item = session.items.get()
    criteria = list(desk.criteria.all())
    for reviewer, scores in (("reviewer", (5, 4, 3)), ("reviewer2", (3, 4, 5))):
        response = _client(people[reviewer]).post(
            reverse("quests:desk_score", args=[desk.pk, session.pk, item.pk]),
            {f"score_{c.pk}": s for c, s in zip(criteria, scores, strict=True)},
        )
        assert response.status_code == 302
    board = staff.get(reverse("quests:desk_board", args=[desk.pk, session.pk])).content.decode()
    # Σ weight × average / Σ weight = (2×4 + 2×4 + 1×4) / 5
    assert "4.00" in board

    response = staff.post(
        reverse("quests:desk_decide", args=[desk.pk, session.pk, item.pk]),
        {"decision": "adopted", "reason": "三方にメリットがある。"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    quest = proposal.project
    assert proposal.state == "adopted"
    assert (quest.state, quest.host_id) == (Quest.State.IN_TRIAL, desk.host_id)
    linked = quest.trial.proposal
    assert (linked.company_id, linked.state) == (company.pk, Proposal.State.ADOPTED)
    # The confidential part stays on the desk's side, not on the project's proposal.
    assert linked.confidential == ""
    assert list(TeamMember.objects.filter(quest=quest).values_list("user", "role")) == [
        (people["department"].pk, "leader")
    ]
    # The trial and results pages of the quest path work for the project.
    assert company_client.get(reverse("quests:trial", args=[quest.pk])).status_code == 200
    assert (
        _client(people["department"]).get(reverse("quests:trial", args=[quest.pk])).status_code
        == 200
    )
    assert _client(None).get(reverse("quests:detail", args=[quest.pk])).status_code == 200

    staff.post(
        reverse("quests:desk_minutes", args=[desk.pk, session.pk]),
        {"minutes": "1件を審査し採択した。", "publish": "on"},
    )
    public = _client(None).get(reverse("quests:desk_session", args=[desk.pk, session.pk]))
    page = public.content.decode()
    assert public.status_code == 200
    assert "1件を審査し採択した。" in page and proposal.title in page
    assert SECRET not in page and "三方にメリットがある。" not in page
    desk_page = _client(None).get(desk.get_absolute_url()).content.decode()
    assert "何でも提案を" in desk_page and "町のメリット" in desk_page and "毎月審査" in desk_page


# --- Who sees what ------------------------------------------------------------------------


def _roles(people, request):
    return {
        "anonymous": None,
        "no_org": request.getfixturevalue("no_org_user"),
        "other_municipality_staff": request.getfixturevalue("staff_user"),
        "proposer": request.getfixturevalue("company_user"),
        "other_company": request.getfixturevalue("other_company_user"),
        "coordinator": request.getfixturevalue("coordinator_user"),
        "site_admin": request.getfixturevalue("site_admin"),
        **people,
    }


# role -> (detail page, sees the confidential part, staff list, triage form)
EXPECTED = {
    "anonymous": (302, False, 302, False),
    "no_org": (404, False, 403, False),
    "other_municipality_staff": (404, False, 403, False),
    "proposer": (200, True, 403, False),
    "other_company": (404, False, 403, False),
    "coordinator": (404, False, 403, False),
    "site_admin": (200, True, 200, True),
    "desk_staff": (200, True, 200, True),
    "desk_staff2": (200, True, 200, True),
    "reviewer": (200, True, 200, False),
    "reviewer2": (200, True, 200, False),
    "department": (200, False, 403, False),
}


def test_the_proposal_and_its_confidential_part_reach_only_those_who_may_read_them(
    request, desk, people, open_proposal
):
    _to_board(open_proposal, people)
    open_proposal.state = "submitted"
    OpenProposal.objects.filter(pk=open_proposal.pk).update(state="submitted")
    for role, user in _roles(people, request).items():
        client = _client(user)
        detail = client.get(open_proposal.get_absolute_url())
        listing = client.get(reverse("quests:desk_proposals", args=[desk.pk]))
        status, confidential, list_status, triage = EXPECTED[role]
        page = detail.content.decode()
        assert (detail.status_code, listing.status_code) == (status, list_status), role
        assert (SECRET in page) == confidential, role
        assert ('name="action"' in page) == triage, role
        if list_status == 200:
            assert open_proposal.title in listing.content.decode()
        # The public desk page never lists another's proposal; no search, feed or export
        # of the portal has it.
        public = client.get(desk.get_absolute_url()).content.decode()
        assert (open_proposal.title in public) == (role == "proposer"), role
        for url in (
            reverse("quests:list") + "?q=オンデマンド",
            reverse("quests:feed"),
            reverse("quests:export_csv"),
            reverse("quests:export_json"),
        ):
            content = client.get(url).getvalue().decode()
            assert open_proposal.title not in content, (role, url)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("proposer", False),
        ("other_company", False),
        ("coordinator", False),
        ("reviewer", False),
        ("department", False),
        ("desk_staff", True),
        ("site_admin", True),
    ],
)
def test_only_the_desk_staff_triage_and_route(request, desk, people, open_proposal, role, allowed):
    user = _roles(people, request)[role]
    client = _client(user)
    base = [desk.pk, open_proposal.pk]
    response = client.post(reverse("quests:desk_triage", args=base), {"action": "to_board"})
    open_proposal.refresh_from_db()
    assert (open_proposal.state == "to_board") == allowed
    assert response.status_code in ((302,) if allowed else (403, 404))
    response = client.post(
        reverse("quests:desk_route", args=base), {"departments": [desk.departments.get().pk]}
    )
    assert open_proposal.routings.exists() == allowed
    assert response.status_code in ((302,) if allowed else (403, 404))


@pytest.mark.parametrize(
    ("role", "score", "decide"),
    [
        ("proposer", False, False),
        ("other_company", False, False),
        ("coordinator", False, False),
        ("department", False, False),
        ("reviewer", True, False),
        ("desk_staff", False, True),
        ("site_admin", False, True),
    ],
)
def test_reviewers_score_and_the_desk_staff_decide(
    request, desk, people, open_proposal, role, score, decide
):
    _to_board(open_proposal, people)
    item = _item(open_proposal, people)
    client = _client(_roles(people, request)[role])
    args = [desk.pk, item.session_id, item.pk]
    data = {f"score_{c.pk}": 4 for c in desk.criteria.all()}
    response = client.post(reverse("quests:desk_score", args=args), data)
    assert BoardScore.objects.filter(item=item).exists() == score
    assert response.status_code in ((302,) if score else (403, 404))
    response = client.post(
        reverse("quests:desk_decide", args=args), {"decision": "not_adopted", "reason": "時期尚早"}
    )
    item.refresh_from_db()
    assert (item.decision == "not_adopted") == decide
    assert response.status_code in ((302,) if decide else (403, 404))


def test_nobody_scores_or_decides_on_their_own_organisations_proposal(desk, people, yokoze):
    # A reviewer who is also a member of the proposing organisation (here: Yokoze staff
    # proposing for their own NPO) is refused.
    npo = factories.make_company("一般社団法人 よこぜ未来")
    from cocreation.organisations.models import Membership

    Membership.objects.create(
        user=people["reviewer"], organisation=npo, role="member", status="active"
    )
    Membership.objects.create(
        user=people["desk_staff2"], organisation=npo, role="member", status="active"
    )
    proposal = services.open_proposal_save(
        desk=desk, user=people["reviewer"], organisation=npo, data=TEXT
    )
    _to_board(proposal, people)
    item = _item(proposal, people)
    scores = {c.pk: (4, "") for c in desk.criteria.all()}
    with pytest.raises(services.QuestError):
        services.scores_save(item=item, user=people["reviewer"], scores=scores)
    with pytest.raises(services.QuestError):
        services.board_decide(item=item, user=people["desk_staff2"], decision="adopted")


def test_the_desks_own_municipality_is_not_offered_as_a_proposer(desk, people, yokoze):
    assert permissions_for(people["desk_staff"], desk) == []
    response = _client(people["desk_staff"]).get(reverse("quests:desk_propose", args=[desk.pk]))
    assert response.status_code == 403


def permissions_for(user, desk):
    from quests import permissions

    return permissions.proposing_organisations(user, desk)


def test_a_municipality_proposes_to_another(desk, staff_user, koriyama):
    response = _client(staff_user).post(
        reverse("quests:desk_propose", args=[desk.pk]), {**TEXT, "organisation": koriyama.pk}
    )
    assert response.status_code == 302
    assert OpenProposal.objects.get().organisation == koriyama


# --- Refusals keep the form and say why ---------------------------------------------------


def test_declining_needs_a_reason_and_the_proposer_reads_it_in_plain_text(
    desk, people, open_proposal, company_user
):
    staff = _client(people["desk_staff"])
    url = reverse("quests:desk_triage", args=[desk.pk, open_proposal.pk])
    response = staff.post(url, {"action": "decline", "reason": ""})
    assert response.status_code == 400
    assert "理由" in response.content.decode()
    reason = "町の費用負担を前提とした物品の導入は対象外です。\n調達の手続きをご確認ください。"
    staff.post(url, {"action": "decline", "reason": reason})
    open_proposal.refresh_from_db()
    assert (open_proposal.state, open_proposal.decision_reason) == ("declined", reason)
    notification = Notification.objects.get(recipient=company_user, kind="quest.desk_triaged")
    mail.outbox.clear()
    notifications.email_deliver(notification_id=notification.pk)
    body = mail.outbox[0].body
    assert reason in body and "<" not in body


def test_the_board_reason_is_mailed_in_plain_text_with_the_session_date(
    desk, people, open_proposal, company_user
):
    _to_board(open_proposal, people)
    item = _item(open_proposal, people, day=dt.date(2030, 5, 15))
    response = _client(people["desk_staff"]).post(
        reverse("quests:desk_decide", args=[desk.pk, item.session_id, item.pk]),
        {"decision": "not_adopted", "reason": ""},
    )
    assert response.status_code == 400 and not AgendaItem.objects.get().decision
    services.board_decide(
        item=item,
        user=people["desk_staff"],
        decision="not_adopted",
        reason="住民のメリットが不明確",
    )
    notification = Notification.objects.get(recipient=company_user, kind="quest.desk_board_decided")
    mail.outbox.clear()
    notifications.email_deliver(notification_id=notification.pk)
    body = mail.outbox[0].body
    assert "住民のメリットが不明確" in body and "2030年5月15日" in body and "<" not in body


def test_a_carried_over_proposal_goes_on_a_later_agenda_and_the_minutes_hide_it(
    desk, people, open_proposal
):
    _to_board(open_proposal, people)
    first = _item(open_proposal, people, day=dt.date(2030, 5, 15))
    with pytest.raises(services.QuestError):
        services.agenda_add(
            session=services.session_create(
                desk=desk, user=people["desk_staff"], held_on=dt.date(2030, 6, 1)
            ),
            user=people["desk_staff"],
            proposal=open_proposal,
        )
    services.board_decide(
        item=first, user=people["desk_staff"], decision="carried_over", reason="次回に継続"
    )
    open_proposal.refresh_from_db()
    assert open_proposal.state == "carried_over"
    second = _item(open_proposal, people, day=dt.date(2030, 6, 19))
    assert second.proposal_id == open_proposal.pk
    services.session_publish(session=first.session, user=people["desk_staff"], minutes="継続1件")
    page = (
        _client(None)
        .get(reverse("quests:desk_session", args=[desk.pk, first.session_id]))
        .content.decode()
    )
    assert "継続1件" in page
    assert open_proposal.title not in page and SECRET not in page and "次回に継続" not in page
    # An unpublished session does not exist for the public.
    assert (
        _client(None)
        .get(reverse("quests:desk_session", args=[desk.pk, second.session_id]))
        .status_code
        == 404
    )


def test_minutes_are_published_only_once_every_item_is_decided(desk, people, open_proposal):
    _to_board(open_proposal, people)
    item = _item(open_proposal, people)
    with pytest.raises(services.QuestError):
        services.session_publish(session=item.session, user=people["desk_staff"], minutes="")
    with pytest.raises(services.QuestError):
        services.session_publish(session=item.session, user=people["reviewer"], minutes="")


# --- The database's guards ----------------------------------------------------------------


def test_one_score_per_reviewer_item_and_criterion_and_one_decision_per_item(
    desk, people, open_proposal
):
    _to_board(open_proposal, people)
    item = _item(open_proposal, people)
    criterion = desk.criteria.first()
    BoardScore.objects.create(item=item, reviewer=people["reviewer"], criterion=criterion, score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardScore.objects.create(
            item=item, reviewer=people["reviewer"], criterion=criterion, score=4
        )
    services.board_decide(item=item, user=people["desk_staff"], decision="adopted")
    # The same decision again changes nothing; another one is refused.
    services.board_decide(item=item, user=people["desk_staff2"], decision="adopted")
    with pytest.raises(services.QuestError):
        services.board_decide(
            item=item, user=people["desk_staff"], decision="not_adopted", reason="x"
        )
    assert Quest.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(decided_at=None)


@pytest.mark.django_db(transaction=True)
def test_adoption_decided_at_once_by_several_staff_makes_one_project(yokoze):
    people = {
        "desk_staff": factories.make_member(yokoze, email="office@yokoze.example.jp"),
        "department": factories.make_member(yokoze, email="dept@yokoze.example.jp"),
    }
    company = factories.make_company()
    proposer = factories.make_member(company, email="member@foodshare.example.com")
    desk = ProposalDesk.objects.create(
        name="よこらぼ", host=yokoze, intake_text="x", board_rules="y"
    )
    staff = [people["desk_staff"]] + [
        factories.make_member(yokoze, email=f"office{i}@yokoze.example.jp") for i in range(5)
    ]
    DeskMember.objects.bulk_create(DeskMember(desk=desk, user=u, role="staff") for u in staff)
    department = DeskDepartment.objects.create(desk=desk, organisation=yokoze, name="振興課")
    department.members.add(people["department"])
    proposal = services.open_proposal_save(
        desk=desk, user=proposer, organisation=company, data=TEXT
    )
    _to_board(proposal, people)
    item = _item(proposal, people)
    url = reverse("quests:desk_decide", args=[desk.pk, item.session_id, item.pk])
    responses = parallel_posts(
        [(_client(u), url, {"decision": "adopted", "reason": "採択"}) for u in staff]
    )
    assert [r.status_code for r in responses] == [302] * len(staff)
    proposal.refresh_from_db()
    assert Quest.objects.count() == 1 and proposal.project is not None
    assert Proposal.objects.filter(state="adopted").count() == 1
    assert (
        Notification.objects.filter(recipient=proposer, kind="quest.desk_board_decided").count()
        == 1
    )


def test_the_demo_desk_has_proposals_in_every_state_and_loads_once(db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    desk = ProposalDesk.objects.get()
    states = set(desk.proposals.values_list("state", flat=True))
    assert states == set(OpenProposal.State.values)
    assert desk.proposals.count() == 12
    adopted = desk.proposals.get(state="adopted")
    assert adopted.project.state == Quest.State.IN_TRIAL
    assert adopted.project.trial.starts_on <= timezone.localdate() <= adopted.project.trial.ends_on
    assert desk.proposals.get(state="carried_over").agenda_items.filter(decision="").exists()
    assert all(p.decision_reason for p in desk.proposals.filter(state="declined"))
    assert desk.sessions.filter(published_at__isnull=False).count() == 3


def test_a_double_click_sends_one_proposal(desk, company, company_user):
    client = _client(company_user)
    url = reverse("quests:desk_propose", args=[desk.pk])
    first = client.post(url, {**TEXT, "organisation": company.pk})
    second = client.post(url, {**TEXT, "organisation": company.pk})
    assert first.status_code == second.status_code == 302
    assert OpenProposal.objects.count() == 1


def test_a_networks_desk_makes_the_project_in_the_routed_departments_municipality(
    region, koriyama, tamura, company, company_user
):
    office = factories.make_member(koriyama, email="office@city.koriyama.lg.jp")
    clerk = factories.make_member(tamura, email="clerk@city.tamura.example.jp")
    desk = ProposalDesk.objects.create(
        name="広域圏の提案窓口", region=region, intake_text="x", board_rules="y"
    )
    DeskMember.objects.create(desk=desk, user=office, role="staff")
    proposal = services.open_proposal_save(
        desk=desk, user=company_user, organisation=company, data=TEXT
    )
    services.open_proposal_triage(proposal=proposal, user=office, action="to_board")
    item = _item(proposal, {"desk_staff": office})
    # Without a department, a network's desk has no municipality to host the project.
    with pytest.raises(services.QuestError):
        services.board_decide(item=item, user=office, decision="adopted")
    department = DeskDepartment.objects.create(desk=desk, organisation=tamura, name="生活環境課")
    department.members.add(clerk)
    services.open_proposal_route(proposal=proposal, user=office, departments=[department])
    services.board_decide(item=item, user=office, decision="adopted")
    proposal.refresh_from_db()
    assert proposal.project.host == tamura
    assert list(proposal.project.team.values_list("user", flat=True)) == [clerk.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalDesk.objects.create(
            name="両方", host=koriyama, region=region, intake_text="x", board_rules="y"
        )


def test_municipal_staff_open_a_desk_with_the_three_party_criteria_and_close_it(
    yokoze, koriyama, staff_user, company, company_user
):
    client = _client(staff_user)
    data = {"name": "郡山市 提案窓口", "intake_text": "提案を", "board_rules": "毎月"}
    # Only a municipality the person works for (or a network they coordinate).
    response = client.post(
        reverse("quests:desk_open"), {**data, "opener": f"municipality:{yokoze.pk}"}
    )
    assert response.status_code == 200 and not ProposalDesk.objects.exists()
    client.post(reverse("quests:desk_open"), {**data, "opener": f"municipality:{koriyama.pk}"})
    desk = ProposalDesk.objects.get()
    assert desk.host == koriyama
    assert [c.name for c in desk.criteria.all()] == [
        "町のメリット",
        "住民のメリット",
        "提案者のメリット",
    ]
    assert set(desk.members.values_list("user", "role")) == {
        (staff_user.pk, "staff"),
        (staff_user.pk, "reviewer"),
    }
    client.post(reverse("quests:desk_edit", args=[desk.pk]), {**data, "is_open": ""})
    desk.refresh_from_db()
    assert not desk.is_open
    with pytest.raises(services.QuestError):
        services.open_proposal_save(desk=desk, user=company_user, organisation=company, data=TEXT)
    assert (
        _client(company_user).get(reverse("quests:desk_propose", args=[desk.pk])).status_code == 302
    )
