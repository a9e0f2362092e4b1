"""The life of a quest in a real browser: staff post and open it, a company asks and
proposes, the team answers, scores and adopts, and the company sees the decision."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quests.models import Proposal, Quest
from tests import factories

from .steps import body_text, click_through, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quest_from_posting_to_adoption(page, screenshot):
    koriyama = factories.make_municipality()
    company = factories.make_company()
    factories.make_member(koriyama, email="staff@city.koriyama.lg.jp", family="高岡", given="景")
    factories.make_member(company, email="member@foodshare.example.com", family="菊地", given="彩")
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()

    # Staff posts the quest and opens it for proposals.
    sign_in(page, "staff@city.koriyama.lg.jp")
    page.goto("/quests/new/")
    page.get_by_label("タイトル").fill("食品ロス削減に向けての新事業の検討及び試行")
    page.get_by_label("概要").fill("6市町村の職員と企業が食品ロス削減の新事業を試行する。")
    page.get_by_label("課題とその背景").fill("飲食店と家庭の食品ロスが圏域の課題。")
    page.get_by_label("目指す成果").fill("食品ロスを測れる形で減らす。")
    page.get_by_label("食品ロス削減").check()
    page.get_by_label("提案締切").fill(deadline)
    screenshot("quest-01-create")
    click_through(page, page.get_by_role("button", name="保存"))
    assert "下書きとして保存しました" in body_text(page)
    click_through(page, page.get_by_role("button", name="提案の募集を始める"))
    assert "クエストを「提案募集中」にしました" in body_text(page)
    quest = Quest.objects.get()
    screenshot("quest-02-open")

    # A company asks a public question and proposes.
    sign_in(page, "member@foodshare.example.com")
    page.goto(f"/quests/{quest.pk}/questions/")
    page.get_by_label("質問内容").fill("協力店舗の募集は市町村が行いますか。")
    click_through(page, page.get_by_role("button", name="質問を送る"))
    assert "質問をクエストチームに送りました" in body_text(page)
    page.goto(f"/quests/{quest.pk}/")
    click_through(page, page.get_by_role("link", name="提案する").first)
    fields = {
        "タイトル": "売れ残り食品のマッチングアプリ実証",
        "概要": "飲食店の売れ残りを住民に割引販売する。",
        "解決のアプローチ": "協力店舗20店で3か月試行。",
        "貴社が提供できるもの": "アプリと運用ノウハウ。",
        "自治体に求めること": "協力店舗への声掛けと周知。",
        "期待される成果": "食品ロス5トン削減。",
        "成果の測り方": "アプリ経由の販売重量（kg）。",
        "スケジュール": "1〜3月に試行。",
        "非公開情報（公開されません）": "手数料率は販売額の10%。",
    }
    for label, value in fields.items():
        page.get_by_label(re.compile("^" + re.escape(label))).fill(value)
    screenshot("quest-03-proposal-form")
    click_through(page, page.get_by_role("button", name="提案を提出する"))
    assert "提案をクエストチームに提出しました" in body_text(page)
    proposal = Proposal.objects.get()

    # The team answers, scores and adopts.
    sign_in(page, "staff@city.koriyama.lg.jp")
    page.goto(f"/quests/{quest.pk}/questions/")
    page.get_by_label("回答").fill("各市町村の商工担当から声掛けします。")
    click_through(page, page.get_by_role("button", name="回答を公開する"))
    assert "回答を公開しました" in body_text(page)
    page.goto(f"/quests/{quest.pk}/proposals/{proposal.pk}/")
    click_through(page, page.get_by_role("link", name="この提案を審査する"))
    for group in page.locator("fieldset.score-row").all():
        group.get_by_label("5", exact=True).check()
    page.get_by_label("総評").fill("効果が測りやすい。")
    screenshot("quest-04-review")
    click_through(page, page.get_by_role("button", name="審査結果を保存する"))
    assert "審査結果を保存しました" in body_text(page)
    page.get_by_label("採択", exact=True).check()
    page.get_by_label(re.compile("理由")).fill("削減量を重量で測れるため。")
    click_through(page, page.get_by_role("button", name=re.compile("判断を記録|決定を記録")))
    assert "判断を記録し、企業に通知しました" in body_text(page)

    # The company sees the decision, on the page and in its notifications.
    sign_in(page, "member@foodshare.example.com")
    page.goto("/notifications/")
    assert "採択" in body_text(page)
    page.goto(f"/quests/{quest.pk}/proposals/{proposal.pk}/")
    text = body_text(page)
    assert "採択" in text and "削減量を重量で測れるため。" in text
    screenshot("quest-05-company-sees-decision")
    page.goto(f"/quests/{quest.pk}/questions/")
    assert "各市町村の商工担当から声掛けします。" in body_text(page)
