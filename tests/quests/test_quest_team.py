"""Staff of several municipalities share one quest team, as the six towns did."""

import pytest
from django.test import Client
from django.urls import reverse

from quests.models import TeamMember
from tests import factories
from tests.parallel import parallel_posts
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db


def test_staff_of_another_municipality_joins_and_is_listed_with_it(client, quest, tamura_staff):
    client.force_login(tamura_staff)
    page = client.post(reverse("quests:team_join", args=[quest.pk]), follow=True)
    html = page.content.decode()
    assert "クエストチームに参加しました" in html
    member = TeamMember.objects.get(quest=quest, user=tamura_staff)
    assert member.organisation.name == "田村市"
    assert "大川原" in html and "田村市" in html


def test_company_member_cannot_join(client, quest, company_user):
    client.force_login(company_user)
    page = client.post(reverse("quests:team_join", args=[quest.pk]), follow=True)
    assert "クエストチームに参加できるのは自治体職員だけです" in page.content.decode()
    assert not TeamMember.objects.filter(user=company_user).exists()


def test_join_button_only_for_staff_not_yet_on_the_team(client, quest, tamura_staff, staff_user):
    client.force_login(tamura_staff)
    assert "このクエストのチームに参加する" in client.get(quest.get_absolute_url()).content.decode()
    client.force_login(staff_user)
    html = client.get(quest.get_absolute_url()).content.decode()
    assert "このクエストのチームに参加する" not in html
    assert "チームから抜ける" in html


def test_last_leader_cannot_leave_while_others_remain(
    client, quest, staff_user, tamura_staff, tamura
):
    qf.add_to_team(quest, tamura_staff, tamura)
    client.force_login(staff_user)
    page = client.post(reverse("quests:team_leave", args=[quest.pk]), follow=True)
    assert "最後のリーダーが抜ける前に" in page.content.decode()
    assert TeamMember.objects.filter(quest=quest, user=staff_user).exists()


def test_leader_hands_over_then_leaves(client, quest, staff_user, tamura_staff, tamura):
    member = qf.add_to_team(quest, tamura_staff, tamura)
    client.force_login(staff_user)
    client.post(reverse("quests:team_member", args=[quest.pk, member.pk]), {"role": "leader"})
    client.post(reverse("quests:team_leave", args=[quest.pk]))
    assert list(TeamMember.objects.filter(quest=quest).values_list("user_id", "role")) == [
        (tamura_staff.pk, "leader")
    ]


def test_member_cannot_manage_the_team(client, quest, staff_user, tamura_staff, tamura):
    qf.add_to_team(quest, tamura_staff, tamura)
    leader = TeamMember.objects.get(quest=quest, user=staff_user)
    client.force_login(tamura_staff)
    response = client.post(
        reverse("quests:team_member", args=[quest.pk, leader.pk]), {"action": "remove"}
    )
    assert response.status_code == 403
    assert TeamMember.objects.filter(pk=leader.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_joins_make_one_membership(koriyama, tamura):
    quest = qf.make_quest(koriyama)
    person = factories.make_member(tamura, email="eager@city.tamura.example.jp")
    clients = []
    for _ in range(10):
        c = Client()
        c.force_login(person)
        clients.append(c)
    url = reverse("quests:team_join", args=[quest.pk])
    responses = parallel_posts([(c, url, {}) for c in clients], follow=True)
    assert all(r.status_code == 200 for r in responses)
    assert TeamMember.objects.filter(quest=quest, user=person).count() == 1
    pages = [r.content.decode() for r in responses]
    assert sum("クエストチームに参加しました" in p for p in pages) == 1
    # The other nine identical clicks are answered once by OnceMiddleware.
    assert sum("同じ内容が2回送信されました" in p for p in pages) == 9
