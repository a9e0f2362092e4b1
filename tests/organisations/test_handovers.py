"""Issue 14 part 5: the handover when staff move (人事異動). A move lists what the person
holds (quest team lead and membership, space coordination, cohort coordination); the
organisation's admin hands each to a successor in one step; the history stays; the
successors and the person are told; an April reminder goes to each admin."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from cocreation.notifications.reminders import run_reminders
from cocreation.organisations import holdings, services
from cocreation.organisations.errors import MembershipError
from cocreation.organisations.models import Handover, Membership
from quests.models import TeamMember
from studygroups.models import Cohort, Programme
from tests import factories
from tests.parallel import parallel_posts
from tests.quests.factories import add_to_team, make_quest
from tests.spaces.conftest import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def koriyama_admin(koriyama):
    return factories.make_member(
        koriyama, role="admin", email="jinji@city.koriyama.lg.jp", family="人事"
    )


@pytest.fixture
def mover(koriyama):
    """高岡さん of 郡山市 総合政策部, who leads a quest, coordinates a room and a cohort."""
    user = factories.make_member(
        koriyama, email="k.takaoka@city.koriyama.lg.jp", family="高岡", department="総合政策部"
    )
    Membership.objects.filter(user=user).update(department="総合政策部")
    user.refresh_from_db()
    return user


@pytest.fixture
def successor(koriyama):
    return factories.make_member(koriyama, email="s.ueno@city.koriyama.lg.jp", family="上野")


@pytest.fixture
def held(koriyama, tamura, region, mover, staff_user):
    food = make_quest(koriyama, title="食品ロス削減に向けての新事業の検討及び試行")
    add_to_team(food, mover, koriyama, role=TeamMember.Role.LEADER)
    add_to_team(food, staff_user, koriyama)
    dx = make_quest(tamura, title="窓口のオンライン化")
    add_to_team(dx, mover, koriyama)
    space = make_space(koriyama, name="ビッグアイ 6F 共創スペース", regions=[region])
    space.coordinators.add(mover)
    programme = Programme.objects.create(name="チャレンジ「新発想」研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme,
        fiscal_year=timezone.localdate().year,
        title="研究塾",
        theme="広域圏の課題",
        age_limit=35,
    )
    cohort.coordinators.add(mover)
    return {"food": food, "dx": dx, "space": space, "cohort": cohort}


def _move(client, admin, mover, koriyama, **data):
    client.force_login(admin)
    membership = Membership.objects.get(user=mover, organisation=koriyama)
    url = reverse("organisations:member_move", args=[koriyama.pk, membership.pk])
    return client.post(url, {"moved_on": "2027-04-01", **data})


def test_everything_a_person_holds_is_listed(held, mover, koriyama):
    found = {(h.kind, h.label) for h in holdings.holdings_of(mover, koriyama)}
    assert found == {
        ("quests.team_leader", "食品ロス削減に向けての新事業の検討及び試行"),
        ("quests.team_member", "窓口のオンライン化"),
        ("spaces.coordinator", "ビッグアイ 6F 共創スペース"),
        ("studygroups.cohort_coordinator", str(held["cohort"])),
    }


def test_a_department_change_opens_a_handover_and_tells_the_admin(
    client, held, mover, koriyama, koriyama_admin
):
    response = _move(
        client, koriyama_admin, mover, koriyama, kind="department", to_department="観光課"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:handovers", args=[koriyama.pk])
    handover = Handover.objects.get(person=mover)
    assert (handover.reason, handover.from_department, handover.to_department) == (
        "department",
        "総合政策部",
        "観光課",
    )
    assert handover.moved_on == dt.date(2027, 4, 1)
    assert handover.items.count() == 4
    membership = Membership.objects.get(user=mover, organisation=koriyama)
    assert membership.department == "観光課" and membership.status == "active"
    told = Notification.objects.get(recipient=koriyama_admin, kind="handover.opened")
    assert "高岡" in told.title and "食品ロス削減" in told.body
    page = client.get(reverse("organisations:handovers", args=[koriyama.pk])).content.decode()
    assert "クエストのチームリーダー: 食品ロス削減に向けての新事業の検討及び試行" in page
    assert f"{mover.display_name}さんが引き続き担当" in page


def test_the_admin_hands_every_role_over_in_one_step(
    client, held, mover, successor, staff_user, koriyama, koriyama_admin
):
    _move(client, koriyama_admin, mover, koriyama, kind="left")
    handover = Handover.objects.get(person=mover)
    assert handover.reason == "left"
    assert Membership.objects.get(user=mover, organisation=koriyama).status == "left"
    items = {item.kind: item for item in handover.items.all()}
    data = {f"h{handover.pk}-item_{item.pk}": str(successor.pk) for item in items.values()}
    # The quest member's place goes to someone already on that team: staff_user.
    data[f"h{handover.pk}-item_{items['quests.team_member'].pk}"] = str(staff_user.pk)
    url = reverse("organisations:handover_complete", args=[koriyama.pk, handover.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    food, dx = held["food"], held["dx"]
    assert TeamMember.objects.get(quest=food, user=successor).role == "leader"
    assert not TeamMember.objects.filter(user=mover).exists()
    assert TeamMember.objects.filter(quest=dx, user=staff_user, role="member").exists()
    assert list(held["space"].coordinators.all()) == [successor]
    assert list(held["cohort"].coordinators.all()) == [successor]
    handover.refresh_from_db()
    assert handover.status == "done" and handover.completed_by == koriyama_admin
    # The history stays: who held what, and who took it.
    assert {i.successor_id for i in handover.items.all()} == {successor.pk, staff_user.pk}
    taken = Notification.objects.get(recipient=successor, kind="handover.taken_over")
    assert "食品ロス削減" in taken.body and "ビッグアイ" in taken.body
    assert Notification.objects.filter(recipient=mover, kind="handover.done").exists()
    history = client.get(reverse("organisations:handovers", args=[koriyama.pk])).content.decode()
    assert "引き継ぎ済み" in history and "上野" in history


def test_mail_to_the_successor_reads_as_plain_text(
    client, held, mover, successor, koriyama, koriyama_admin
):
    from cocreation.notifications.services import email_deliver

    _move(client, koriyama_admin, mover, koriyama, kind="department", to_department="観光課")
    handover = Handover.objects.get(person=mover)
    choices = {item.pk: successor.pk for item in handover.items.all()}
    services.handover_complete(handover_id=handover.pk, actor=koriyama_admin, choices=choices)
    told = Notification.objects.get(recipient=successor, kind="handover.taken_over")
    email_deliver(notification_id=told.pk)
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == [successor.email]
    assert "食品ロス削減に向けての新事業の検討及び試行" in body and "ビッグアイ" in body
    assert "<" not in body


def test_someone_who_left_cannot_keep_a_role_and_the_form_keeps_the_choices(
    client, held, mover, successor, koriyama, koriyama_admin
):
    _move(client, koriyama_admin, mover, koriyama, kind="left")
    handover = Handover.objects.get(person=mover)
    items = list(handover.items.all())
    data = {f"h{handover.pk}-item_{item.pk}": str(successor.pk) for item in items}
    data[f"h{handover.pk}-item_{items[0].pk}"] = "keep"
    url = reverse("organisations:handover_complete", args=[koriyama.pk, handover.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "選択肢にありません" in html or "正しく選択" in html or "選んでください" in html
    assert f'<option value="{successor.pk}" selected>' in html
    assert Handover.objects.get(pk=handover.pk).status == "pending"
    assert held["space"].coordinators.filter(pk=mover.pk).exists()


def test_a_successor_from_another_organisation_is_refused(
    client, held, mover, koriyama, tamura, koriyama_admin
):
    _move(client, koriyama_admin, mover, koriyama, kind="department", to_department="観光課")
    handover = Handover.objects.get(person=mover)
    outsider = factories.make_member(tamura, email="x@city.tamura.example.jp")
    with pytest.raises(MembershipError) as refused:
        services.handover_complete(
            handover_id=handover.pk,
            actor=koriyama_admin,
            choices={item.pk: outsider.pk for item in handover.items.all()},
        )
    assert refused.value.code == "item"


def test_moving_someone_who_holds_nothing_opens_no_handover(
    client, mover, koriyama, koriyama_admin
):
    response = _move(
        client, koriyama_admin, mover, koriyama, kind="department", to_department="観光課"
    )
    assert response["Location"] == reverse("organisations:detail", args=[koriyama.pk])
    assert not Handover.objects.exists()


def test_a_department_change_needs_the_new_department_next_to_its_field(
    client, held, mover, koriyama, koriyama_admin
):
    response = _move(client, koriyama_admin, mover, koriyama, kind="department", to_department="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "異動先の所属を入力してください。" in html and "id_to_department_error" in html
    assert not Handover.objects.exists()


def test_changing_ones_own_department_in_the_profile_opens_a_handover(
    client, held, mover, koriyama, koriyama_admin
):
    client.force_login(mover)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "family_name": "高岡",
            "given_name": "太郎",
            "family_name_kana": "タカオカ",
            "given_name_kana": "タロウ",
            "department": "観光課",
            "position": "",
            "phone": "",
            "preferred_language": "ja",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    handover = Handover.objects.get(person=mover)
    assert (handover.from_department, handover.to_department) == ("総合政策部", "観光課")
    assert Notification.objects.filter(recipient=koriyama_admin, kind="handover.opened").exists()


def test_two_admins_handing_over_at_once_hand_over_once(
    transactional_db, client, held, mover, successor, koriyama, koriyama_admin
):
    from django.test import Client

    other_admin = factories.make_member(koriyama, role="admin", email="soumu@city.koriyama.lg.jp")
    _move(client, koriyama_admin, mover, koriyama, kind="left")
    handover = Handover.objects.get(person=mover)
    data = {f"h{handover.pk}-item_{i.pk}": str(successor.pk) for i in handover.items.all()}
    url = reverse("organisations:handover_complete", args=[koriyama.pk, handover.pk])
    clients = []
    for admin in (koriyama_admin, other_admin):
        c = Client()
        c.force_login(admin)
        clients.append((c, url, data))
    responses = parallel_posts(clients)
    assert all(r.status_code == 302 for r in responses)
    assert Notification.objects.filter(recipient=successor, kind="handover.taken_over").count() == 1
    assert TeamMember.objects.filter(quest=held["food"], user=successor).count() == 1


def test_the_april_reminder_goes_once_a_year_to_each_admin(
    client, held, mover, koriyama, koriyama_admin
):
    _move(client, koriyama_admin, mover, koriyama, kind="department", to_department="観光課")
    tokyo = timezone.get_current_timezone()
    march = dt.datetime(2027, 3, 31, 9, tzinfo=tokyo)
    assert run_reminders(now=march, only=["organisations.handover_april"]) == {
        "organisations.handover_april": 0
    }
    april = dt.datetime(2027, 4, 1, 9, tzinfo=tokyo)
    assert run_reminders(now=april, only=["organisations.handover_april"]) == {
        "organisations.handover_april": 1
    }
    assert (
        run_reminders(now=april + dt.timedelta(days=2), only=["organisations.handover_april"])[
            "organisations.handover_april"
        ]
        == 0
    )
    reminder = Notification.objects.get(recipient=koriyama_admin, kind="handover.april")
    assert "高岡" in reminder.body and "総合政策部 → 観光課" in reminder.body


@pytest.mark.parametrize(
    "who, move, handovers",
    [
        ("anonymous", "login", "login"),
        ("no_org_user", 403, 403),
        ("staff_user", 403, 403),
        ("company_user", 403, 403),
        ("coordinator_user", 200, 200),
        ("site_admin", 200, 200),
        ("koriyama_admin", 200, 200),
        ("mover", 403, 403),
    ],
)
def test_who_may_record_moves_and_hand_over(
    client, request, held, mover, koriyama, koriyama_admin, who, move, handovers
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    membership = Membership.objects.get(user=mover, organisation=koriyama)
    for expected, url in (
        (move, reverse("organisations:member_move", args=[koriyama.pk, membership.pk])),
        (handovers, reverse("organisations:handovers", args=[koriyama.pk])),
    ):
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == expected, (who, url)
    # A refused person cannot hand over by posting either.
    if move != 200:
        client.force_login(koriyama_admin)
        _move(client, koriyama_admin, mover, koriyama, kind="left")
        handover = Handover.objects.get(person=mover)
        client.logout()
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        url = reverse("organisations:handover_complete", args=[koriyama.pk, handover.pk])
        response = client.post(url, {})
        assert response.status_code in (302, 403)
        assert Handover.objects.get(pk=handover.pk).status == "pending"


def test_leaving_set_in_the_django_admin_opens_a_handover(
    client, held, mover, koriyama, site_admin
):
    membership = Membership.objects.get(user=mover, organisation=koriyama)
    client.force_login(site_admin)
    url = reverse("admin:organisations_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {
            "user": mover.pk,
            "organisation": koriyama.pk,
            "role": "member",
            "status": "left",
            "department": "総合政策部",
            "position": "",
            "message": "",
            "decision_note": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    handover = Handover.objects.get(person=mover)
    assert handover.reason == "left" and handover.recorded_by == site_admin


def test_a_desk_reviewers_seat_is_handed_over(koriyama, mover, successor, koriyama_admin):
    """Issue 14: desk staff and review board members are holdings too."""
    from quests.models import DeskMember, ProposalDesk

    desk = ProposalDesk.objects.create(
        name="郡山共創窓口", host=koriyama, intake_text="何でも", board_rules="毎月"
    )
    DeskMember.objects.create(desk=desk, user=mover, role="reviewer")
    handover = services.member_move(
        membership_id=Membership.objects.get(user=mover, organisation=koriyama).pk,
        actor=koriyama_admin,
        leaves=True,
        moved_on=dt.date(2027, 4, 1),
    )
    (item,) = handover.items.all()
    assert item.kind == "quests.desk_reviewer" and item.label == "郡山共創窓口"
    services.handover_complete(
        handover_id=handover.pk, actor=koriyama_admin, choices={item.pk: successor.pk}
    )
    assert list(DeskMember.objects.filter(desk=desk).values_list("user_id", "role")) == [
        (successor.pk, "reviewer")
    ]


def test_an_upcoming_exchange_meeting_goes_to_the_successor(
    koriyama, region, mover, successor, koriyama_admin
):
    from studygroups.models import ExchangeMeeting

    start = timezone.now() + dt.timedelta(days=10)
    meeting = ExchangeMeeting.objects.create(
        region=region,
        field="DX",
        title="DX担当者 情報交換会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="郡山市役所",
        organiser=mover,
    )
    handover = services.member_move(
        membership_id=Membership.objects.get(user=mover, organisation=koriyama).pk,
        actor=koriyama_admin,
        leaves=True,
        moved_on=dt.date(2027, 4, 1),
    )
    (item,) = handover.items.all()
    assert item.kind == "studygroups.meeting_organiser"
    services.handover_complete(
        handover_id=handover.pk, actor=koriyama_admin, choices={item.pk: successor.pk}
    )
    meeting.refresh_from_db()
    assert meeting.organiser == successor
