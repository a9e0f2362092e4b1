"""Public Q&A, the trial log, results, and the open-data feed and exports."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.notifications.models import Notification
from quests.models import Kpi, Quest, Question, ResultsReport
from quests.services import engagement as services
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_question_is_public_but_the_asking_company_is_not(
    client, quest, company_user, staff_user, other_company_user
):
    client.force_login(company_user)
    url = reverse("quests:questions", args=[quest.pk])
    client.post(url, {"body": "協力店舗の募集は市町村が行いますか。"})
    question = Question.objects.get()
    assert Notification.objects.filter(recipient=staff_user, kind="quest.question_asked").exists()
    client.logout()
    html = client.get(url).content.decode()
    assert "協力店舗の募集は市町村が行いますか。" in html
    assert "株式会社フードシェア福島" not in html
    client.force_login(other_company_user)
    assert "株式会社フードシェア福島" not in client.get(url).content.decode()
    client.force_login(staff_user)
    assert "株式会社フードシェア福島" in client.get(url).content.decode()
    assert question.organisation.name == "株式会社フードシェア福島"


@pytest.mark.parametrize(
    ("role", "may_ask"),
    [
        ("no_org_user", False),
        ("staff_user", False),
        ("tamura_staff", True),
        ("company_user", True),
        ("other_company_user", True),
    ],
)
def test_who_may_ask(request, client, quest, role, may_ask):
    client.force_login(request.getfixturevalue(role))
    url = reverse("quests:questions", args=[quest.pk])
    response = client.post(url, {"body": "質問です"})
    assert (response.status_code == 302) is may_ask
    assert Question.objects.exists() is may_ask


def test_anonymous_cannot_ask(client, quest):
    client.post(reverse("quests:questions", args=[quest.pk]), {"body": "質問です"})
    assert not Question.objects.exists()


def test_answer_reaches_askers_and_proposers_once_each(
    quest, staff_user, company_user, other_company_user, proposal
):
    question = services.question_ask(quest=quest, user=company_user, body="予算はありますか")
    services.question_ask(quest=quest, user=other_company_user, body="会場は使えますか")
    services.question_answer(question=question, user=staff_user, answer="予算はありません")
    services.question_answer(question=question, user=staff_user, answer="予算はありません（訂正）")
    answered = Notification.objects.filter(kind="quest.question_answered")
    # company_user both asked and proposed: one notification, not two; edits send nothing more.
    assert sorted(n.recipient_id for n in answered) == sorted(
        [company_user.pk, other_company_user.pk]
    )


def test_answering_is_for_the_team(client, quest, company_user):
    question = Question.objects.create(quest=quest, asked_by=company_user, body="?")
    client.force_login(company_user)
    url = reverse("quests:question_answer", args=[quest.pk, question.pk])
    assert client.post(url, {f"q{question.pk}-answer": "自分で回答"}).status_code == 403


def test_questions_page_query_count_is_fixed(client, quest, company_user):
    for n in range(5):
        Question.objects.create(quest=quest, asked_by=company_user, body=f"質問{n}", answer="回答")
    url = reverse("quests:questions", args=[quest.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(45):
        Question.objects.create(quest=quest, asked_by=company_user, body=f"追加{n}", answer="回答")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_trial_shows_kpis_with_achievement(client, trial, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("quests:trial", args=[trial.quest_id])).content.decode()
    assert "5,000" in html and "3,200" in html and "64%" in html


def test_team_records_a_meeting_and_a_bad_time_is_refused(client, trial, staff_user):
    client.force_login(staff_user)
    url = reverse("quests:trial_item_add", args=[trial.quest_id, "meeting"])
    data = {
        "meeting-held_on": "2020-12-18",
        "meeting-starts_at": "15:00",
        "meeting-ends_at": "13:30",
        "meeting-place": "ビッグアイ6階",
        "meeting-attendees": "6名",
        "meeting-minutes": "初回",
    }
    html = client.post(url, data).content.decode()
    assert "打合せの終了時刻は開始時刻より後にしてください" in html
    data["meeting-starts_at"], data["meeting-ends_at"] = "13:30", "15:00"
    client.post(url, data)
    assert trial.meetings.get().place == "ビッグアイ6階"


def test_an_item_deleted_meanwhile_is_not_brought_back_by_an_edit(trial, staff_user):
    from quests.errors import QuestError
    from quests.services import trial as trial_services

    kpi = trial.kpis.get()
    stale = Kpi.objects.get(pk=kpi.pk)  # the edit page's copy
    kpi.delete()  # another team member deletes it
    stale.actual = 4000
    with pytest.raises(QuestError, match="削除"):
        trial_services.trial_item_save(
            trial=trial, user=staff_user, kind="kpi", pk=stale.pk, values={"actual": stale.actual}
        )
    assert not Kpi.objects.filter(pk=kpi.pk).exists()


def test_an_item_is_deleted_through_its_own_address_by_the_team_only(
    client, trial, staff_user, company_user
):
    kpi = trial.kpis.get()
    url = reverse("quests:trial_item_delete", args=[trial.quest_id, "kpi", kpi.pk])
    client.force_login(company_user)  # the adopted company reads the trial, not manages it
    assert client.post(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Kpi.objects.filter(pk=kpi.pk).exists()


def test_company_outside_the_trial_is_refused(client, trial, other_company_user):
    client.force_login(other_company_user)
    assert client.get(reverse("quests:trial", args=[trial.quest_id])).status_code == 403
    url = reverse("quests:trial_item_add", args=[trial.quest_id, "kpi"])
    assert client.post(url, {"kpi-name": "x", "kpi-target": "1"}).status_code == 403


def test_results_are_public_only_once_published_and_completed(client, trial, staff_user):
    quest = trial.quest
    client.force_login(staff_user)
    client.post(
        reverse("quests:results_edit", args=[quest.pk]),
        {
            "what_was_done": "14店舗で試行",
            "outcomes": "3.2トン削減",
            "lessons": "周知が鍵",
            "reuse_requirements": "協力店舗の募集体制",
        },
    )
    page = client.post(reverse("quests:results_publish", args=[quest.pk]), follow=True)
    assert "成果はクエストの完了後に公開できます" in page.content.decode()
    client.logout()
    assert client.get(reverse("quests:results", args=[quest.pk])).status_code == 404
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.COMPLETED)
    client.force_login(staff_user)
    client.post(reverse("quests:results_publish", args=[quest.pk]))
    client.logout()
    html = client.get(reverse("quests:results", args=[quest.pk])).content.decode()
    assert "3.2トン削減" in html and "協力店舗の募集体制" in html and "64%" in html
    assert ResultsReport.objects.get().published_by == staff_user
    first = ResultsReport.objects.get().published_at
    client.force_login(staff_user)
    client.post(reverse("quests:results_publish", args=[quest.pk]))  # a second click
    assert ResultsReport.objects.get().published_at == first  # the first date stands


def test_feed_is_valid_atom_without_drafts(client, quest, draft_quest):
    response = client.get(reverse("quests:feed"))
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert quest.title in titles and draft_quest.title not in titles
    entry = entries[0]
    assert entry.find(f"{ATOM}id").text
    assert entry.find(f"{ATOM}link").get("href").endswith(quest.get_absolute_url())
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "郡山市"


def test_csv_opens_in_excel_and_never_carries_drafts_or_proposals(
    client, quest, draft_quest, proposal
):
    response = client.get(reverse("quests:export_csv"))
    raw = response.getvalue().decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [r["title"] for r in rows] == [quest.title]
    assert rows[0]["host_code"] == "072036"
    assert proposal.summary not in raw and proposal.confidential not in raw


def test_json_export_follows_the_list_filter(client, quest, koriyama):
    qf.make_quest(
        koriyama,
        title="除雪の見える化",
        summary="除雪車の位置",
        background="雪",
        outcome_sought="問い合わせ削減",
    )
    data = json.loads(client.get(reverse("quests:export_json") + "?q=除雪").getvalue())
    assert [row["title"] for row in data] == ["除雪の見える化"]
    assert data[0]["proposal_deadline"]


def test_export_query_count_is_fixed(client, koriyama):
    for n in range(5):
        qf.make_quest(koriyama, title=f"q{n}")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("quests:export_json"))
    for n in range(45):
        qf.make_quest(koriyama, title=f"r{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("quests:export_json"))
    assert len(many) == len(few)
