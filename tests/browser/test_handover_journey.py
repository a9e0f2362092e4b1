"""Issue 14: a handover in a real browser. The organisation's admin records that a
member moved to another department on 1 April, sees what she held, hands it to a
successor in one step, and the successor finds the quest's team and the room's
coordination in her hands."""

import re

import pytest

from cocreation.organisations.models import Membership
from quests.models import TeamMember
from tests import factories
from tests.quests.factories import add_to_team, make_quest
from tests.spaces.conftest import make_space

from .steps import body_text, click_through, main_text, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_hands_over_the_roles_of_a_member_who_moved(page, screenshot):
    region = factories.make_region()
    koriyama = factories.make_municipality(regions=[region])
    factories.make_member(koriyama, role="admin", email="jinji@city.koriyama.lg.jp", family="人事")
    mover = factories.make_member(
        koriyama, email="h.ueno@city.koriyama.lg.jp", family="上野", given="隼人"
    )
    Membership.objects.filter(user=mover).update(department="産業観光部 観光課")
    successor = factories.make_member(
        koriyama, email="s.kato@city.koriyama.lg.jp", family="加藤", given="咲"
    )
    quest = make_quest(koriyama, title="子育て支援情報の圏域一元発信")
    add_to_team(quest, mover, koriyama, role=TeamMember.Role.LEADER)
    room = make_space(koriyama, name="ビッグアイ 6F 共創スペース", regions=[region])
    room.coordinators.add(mover)

    sign_in(page, "jinji@city.koriyama.lg.jp")
    page.goto(f"/organisations/{koriyama.pk}/")
    click_through(page, page.get_by_role("link", name=re.compile("上野 隼人さんの異動を記録")))
    main = main_text(page)
    assert "子育て支援情報の圏域一元発信" in main and "ビッグアイ 6F 共創スペース" in main
    page.get_by_label("別の部署へ異動").check()
    page.get_by_label("異動先の所属").fill("財務部 財政課")
    page.get_by_label("異動日").fill("2027-04-01")
    screenshot("handover-01-move")
    click_through(page, page.get_by_role("button", name="異動を記録する"))

    page.wait_for_url(re.compile(rf"/organisations/{koriyama.pk}/handovers/"))
    assert "後任を選んでください" in main_text(page)
    for select in page.locator("main form select").all():
        select.select_option(value=str(successor.pk))
    screenshot("handover-02-choose")
    click_through(page, page.get_by_role("button", name="引き継ぐ"))
    body = body_text(page)
    assert "上野 隼人さんの担当を引き継ぎ" in body
    assert "引き継ぎ済み" in main_text(page)
    screenshot("handover-03-done")

    assert TeamMember.objects.get(quest=quest, user=successor).role == "leader"
    assert list(room.coordinators.all()) == [successor]
    sign_out(page)
    sign_in(page, "s.kato@city.koriyama.lg.jp")
    page.goto("/notifications/")
    assert "上野 隼人さんの担当を引き継ぎました" in main_text(page)
    screenshot("handover-04-successor")
