"""A study cohort in a real browser: a young employee applies, the coordinator accepts her,
forms the teams and makes her 班長, and she records her team's attendance."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from studygroups.models import Cohort, Field, Member, Programme, Session, Team
from tests import factories

from .steps import body_text, click_through, main_text, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_accept_team_and_attendance(page, screenshot):
    koriyama = factories.make_municipality()
    staff = factories.make_member(
        koriyama, email="hanako@city.koriyama.lg.jp", family="佐藤", given="花子"
    )
    coordinator = factories.make_member(
        koriyama, role="coordinator", email="coord@city.koriyama.lg.jp", family="安藤", given="千尋"
    )
    today = timezone.localdate()
    programme = Programme.objects.create(name="チャレンジ「新発想」研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme,
        fiscal_year=today.year,
        title=f"研究塾 {today.year}",
        theme="広域圏の課題",
        age_limit=35,
        recruitment_opens=today - dt.timedelta(days=5),
        recruitment_closes=today + dt.timedelta(days=5),
    )
    cohort.organisations.add(koriyama)
    cohort.coordinators.add(coordinator)
    for number, name in enumerate(["まち", "しごと"], start=1):
        Team.objects.create(
            cohort=cohort, number=number, field=Field.objects.create(cohort=cohort, name=name)
        )

    sign_in(page, "hanako@city.koriyama.lg.jp")
    page.goto(f"/studygroups/{cohort.pk}/")
    click_through(page, page.get_by_role("link", name="応募する"))
    page.locator("#id_department").fill("政策開発課")
    page.get_by_label(re.compile("^職名")).fill("主事")
    page.get_by_label(re.compile("^生年月日")).fill(f"{today.year - 40}-05-01")
    page.get_by_label("しごと").check()
    page.get_by_label(re.compile("^志望動機")).fill("広域の課題に挑戦したい")
    click_through(page, page.get_by_role("button", name="応募する"))
    text = main_text(page)
    assert (
        "歳以下の職員が対象です" in text
        and page.get_by_label(re.compile("^志望動機")).input_value() == "広域の課題に挑戦したい"
    )
    screenshot("study-01-refused-age")
    page.get_by_label(re.compile("^生年月日")).fill(f"{today.year - 30}-05-01")
    click_through(page, page.get_by_role("button", name="応募する"))
    assert "応募をコーディネーターに送りました" in body_text(page)

    sign_in(page, "coord@city.koriyama.lg.jp")
    page.goto(f"/studygroups/{cohort.pk}/applications/")
    click_through(page, page.get_by_role("button", name="採用"))
    assert "採否を記録しました" in body_text(page)
    page.goto(f"/studygroups/{cohort.pk}/teams/")
    member = Member.objects.get(user=staff)
    page.locator(f"#id_m{member.pk}-team").select_option(label="2班（しごと）")
    page.locator(f"#id_m{member.pk}-team_role").select_option("leader")
    click_through(page, page.get_by_role("button", name="保存").first)
    assert "保存しました" in body_text(page)
    screenshot("study-02-teams")
    member.refresh_from_db()
    assert (member.team.number, member.team_role) == (2, "leader")

    start = timezone.now() - dt.timedelta(days=1)
    session = Session.objects.create(
        cohort=cohort,
        team=member.team,
        kind="team_meeting",
        title="2班 会議",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    sign_in(page, "hanako@city.koriyama.lg.jp")
    page.goto(f"/studygroups/sessions/{session.pk}/")
    page.get_by_label("佐藤 花子 出席").check()
    click_through(page, page.get_by_role("button", name="出欠を保存する"))
    assert "出欠を保存しました" in body_text(page)
    assert session.attendance.get().status == "present"
    page.get_by_label("5", exact=True).check()
    page.get_by_label(re.compile("学んだこと")).fill("他市の職員と議論して新しい視点を得た")
    click_through(page, page.get_by_role("button", name="送信"))
    assert "回答ありがとうございました" in body_text(page)
    screenshot("study-03-session")
