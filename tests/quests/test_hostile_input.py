"""Hostile and careless input on the quests pages (issue 9): every refused value gets a
message next to its field, the form keeps what was typed, nothing half-saved, no 500."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from quests.models import (
    Kpi,
    Milestone,
    Proposal,
    ProposalAttachment,
    Quest,
    QuestTransition,
    ReviewCriterion,
    Trial,
    TrialMeeting,
)
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WINDOW_MESSAGE = "2000年1月1日から2100年12月31日までの日付を入力してください"


def _criteria_data(quest, names=None, *, initial=None, total=None) -> dict:
    criteria = list(quest.criteria.order_by("position", "id"))
    names = names or [c.name for c in criteria]
    data = {
        "form-TOTAL_FORMS": str(total if total is not None else len(criteria)),
        "form-INITIAL_FORMS": str(initial if initial is not None else len(criteria)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, (criterion, name) in enumerate(zip(criteria, names, strict=True)):
        data.update(
            {
                f"form-{i}-id": str(criterion.pk),
                f"form-{i}-name": name,
                f"form-{i}-description": criterion.description,
            }
        )
    return data


# --- Review criteria ---------------------------------------------------------------------


def test_swapping_the_names_of_two_criteria_is_saved(client, quest, staff_user):
    client.force_login(staff_user)
    first, second = quest.criteria.order_by("position", "id")[:2]
    names = [c.name for c in quest.criteria.order_by("position", "id")]
    names[0], names[1] = names[1], names[0]
    response = client.post(
        reverse("quests:criteria", args=[quest.pk]), _criteria_data(quest, names)
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, second.name) == (names[0], names[1])


def test_two_criteria_with_the_same_name_are_refused_next_to_the_field(client, quest, staff_user):
    client.force_login(staff_user)
    before = list(quest.criteria.order_by("position").values_list("name", flat=True))
    names = list(before)
    names[1] = f" {names[0]} "
    response = client.post(
        reverse("quests:criteria", args=[quest.pk]), _criteria_data(quest, names)
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[1].errors["name"] == ["同じ名前の評価項目が既にあります。"]
    assert list(quest.criteria.order_by("position").values_list("name", flat=True)) == before


def test_criteria_changed_since_the_page_was_opened_are_refused_as_a_whole(
    client, quest, staff_user
):
    # RowsInStep (cocreation.core.formsets): a criterion added by someone else after the
    # page was opened makes the page out of step; nothing is saved, the page says why.
    client.force_login(staff_user)
    data = _criteria_data(quest)
    data["form-0-name"] = "チーム力"
    ReviewCriterion.objects.create(quest=quest, name="地域性", position=99)
    before = list(quest.criteria.order_by("position", "id").values_list("pk", "name"))
    response = client.post(reverse("quests:criteria", args=[quest.pk]), data)
    assert response.status_code == 200
    assert [error.code for error in response.context["formset"].non_form_errors().data] == [
        "rows_changed"
    ]
    assert "ページを再読み込みして" in response.content.decode()
    assert list(quest.criteria.order_by("position", "id").values_list("pk", "name")) == before


@pytest.mark.parametrize(
    ("initial", "total"),
    [(0, None), (10**9, None), (None, 10**9), ("abc", None), (None, "²"), (-1, None)],
)
def test_a_tampered_management_form_is_never_a_500(client, quest, staff_user, initial, total):
    client.force_login(staff_user)
    before = list(quest.criteria.order_by("position").values_list("pk", "name"))
    data = _criteria_data(quest)
    if initial is not None:
        data["form-INITIAL_FORMS"] = str(initial)
    if total is not None:
        data["form-TOTAL_FORMS"] = str(total)
    response = client.post(reverse("quests:criteria", args=[quest.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "errorlist" in response.content.decode() or response.context["messages"]
    # No criterion was duplicated, renamed or lost by the tampering.
    assert list(quest.criteria.order_by("position").values_list("pk", "name")) == before


def test_a_criterion_of_another_quest_cannot_be_edited_through_the_formset(
    client, quest, staff_user, koriyama
):
    other = qf.make_quest(koriyama, title="別のクエスト")
    foreign = other.criteria.first()
    client.force_login(staff_user)
    data = _criteria_data(quest)
    data["form-0-id"] = str(foreign.pk)
    data["form-0-name"] = "乗っ取り"
    response = client.post(reverse("quests:criteria", args=[quest.pk]), data)
    assert response.status_code in (200, 302)
    foreign.refresh_from_db()
    assert foreign.name != "乗っ取り"


# --- Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
@pytest.mark.parametrize("field", ["proposal_deadline", "trial_starts_on", "trial_ends_on"])
def test_quest_dates_outside_the_window_are_refused(client, koriyama, staff_user, field, day):
    client.force_login(staff_user)
    response = client.post(reverse("quests:create"), qf.quest_form_data(koriyama, **{field: day}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "2000年1月1日から2100年12月31日までの日付を入力してください。"
    ]
    assert not Quest.objects.exists()


def test_a_quest_trial_that_ends_before_it_starts_is_refused(client, koriyama, staff_user):
    client.force_login(staff_user)
    data = qf.quest_form_data(koriyama, trial_starts_on="2030-04-01", trial_ends_on="2030-03-31")
    response = client.post(reverse("quests:create"), data)
    assert "trial_ends_on" in response.context["form"].errors
    assert not Quest.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("milestone", {"title": "店舗募集", "due_on": "0001-01-01"}, "due_on"),
        (
            "milestone",
            {"title": "店舗募集", "due_on": "2030-01-01", "done_on": "9999-12-31"},
            "done_on",
        ),
        ("meeting", {"held_on": "0001-01-01", "attendees": "6名", "minutes": "初回"}, "held_on"),
        ("meeting", {"held_on": "2020-02-30", "attendees": "6名", "minutes": "初回"}, "held_on"),
    ],
)
def test_trial_item_dates_outside_the_window_are_refused(
    client, trial, staff_user, kind, data, field
):
    client.force_login(staff_user)
    url = reverse("quests:trial_item_add", args=[trial.quest_id, kind])
    response = client.post(url, {f"{kind}-{k}": v for k, v in data.items()})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Milestone.objects.exists() and not TrialMeeting.objects.exists()


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        ("0001-01-01", "", "starts_on"),
        ("", "9999-12-31", "ends_on"),
        ("2030-04-01", "2030-03-01", "ends_on"),
    ],
)
def test_trial_period_is_window_bounded_and_ordered(client, trial, staff_user, starts, ends, field):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:trial", args=[trial.quest_id]),
        {"starts_on": starts, "ends_on": ends, "plan": "計画"},
    )
    assert response.status_code == 200
    assert field in response.context["trial_form"].errors
    trial.refresh_from_db()
    assert trial.starts_on is None and trial.ends_on is None


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Quest, "proposal_deadline"),
        (Quest, "trial_starts_on"),
        (Quest, "trial_ends_on"),
        (Trial, "starts_on"),
        (Trial, "ends_on"),
        (Milestone, "due_on"),
        (Milestone, "done_on"),
        (TrialMeeting, "held_on"),
    ],
)
def test_the_database_refuses_a_date_outside_the_window_from_any_path(trial, model, field):
    Milestone.objects.create(trial=trial, title="店舗募集", due_on=dt.date(2030, 1, 1))
    TrialMeeting.objects.create(
        trial=trial, held_on=dt.date(2030, 1, 1), attendees="6名", minutes="初回"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**{field: dt.date(1, 1, 1)})


# --- Numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["baseline", "target", "actual"])
@pytest.mark.parametrize(
    "value", ["1" * 30, "²", "-5", "NaN", "1e400", "１２３４５６７８９０１２３４"]
)
def test_kpi_numbers_out_of_range_are_refused(client, trial, staff_user, field, value):
    client.force_login(staff_user)
    url = reverse("quests:trial_item_add", args=[trial.quest_id, "kpi"])
    data = {"kpi-name": "参加店舗数", "kpi-target": "20", field: None}
    data.pop(field)
    data[f"kpi-{field}"] = value
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Kpi.objects.count() == 1


def test_the_database_refuses_a_negative_kpi(trial):
    with pytest.raises(IntegrityError), transaction.atomic():
        Kpi.objects.update(target=-1)


@pytest.mark.parametrize("score", ["²", "9" * 30, "-1", "0", "6"])
def test_review_scores_out_of_range_are_refused(client, proposal, staff_user, score):
    client.force_login(staff_user)
    criteria = list(proposal.quest.criteria.all())
    data = {f"score_{c.pk}": "4" for c in criteria}
    data[f"score_{criteria[0].pk}"] = score
    response = client.post(
        reverse("quests:proposal_review", args=[proposal.quest_id, proposal.pk]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{criteria[0].pk}"]
    assert not proposal.reviews.exists()


# --- Raw POST values go through forms ----------------------------------------------------------


@pytest.mark.parametrize("to_state", ["", "²", "nonsense\x00", "x" * 10_000])
def test_a_garbage_state_is_refused_with_a_message(client, quest, staff_user, to_state):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:transition", args=[quest.pk]), {"to_state": to_state}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    quest.refresh_from_db()
    assert quest.state == Quest.State.OPEN
    assert not QuestTransition.objects.exists()


@pytest.mark.parametrize("comment", ["採択\x00しました", "採択\x1b[31m", "採" * 2001])
def test_a_transition_comment_with_control_characters_or_too_long_is_refused(
    client, quest, staff_user, comment
):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:transition", args=[quest.pk]),
        {"to_state": "selecting", "comment": comment},
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    quest.refresh_from_db()
    assert quest.state == Quest.State.OPEN, "the comment was dropped or truncated silently"


@pytest.mark.parametrize("reason", ["都合\x00により", "都" * 2001])
def test_a_withdrawal_reason_with_nul_or_too_long_is_refused(
    client, proposal, company_user, reason
):
    client.force_login(company_user)
    url = reverse("quests:proposal_withdraw", args=[proposal.quest_id, proposal.pk])
    response = client.post(url, {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


@pytest.mark.parametrize("text", ["概要\x00", "概" * 5001])
def test_a_public_summary_with_nul_or_too_long_is_refused_next_to_the_field(
    client, proposal, staff_user, text
):
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ADOPTED)
    client.force_login(staff_user)
    url = reverse("quests:proposal_public_summary", args=[proposal.quest_id, proposal.pk])
    response = client.post(url, {"action": "draft", "public_summary": text})
    assert response.status_code == 400
    assert response.context["summary_form"].errors["public_summary"]
    assert text in response.content.decode() or len(text) > 5000  # the input is kept
    proposal.refresh_from_db()
    assert proposal.public_summary == ""


@pytest.mark.parametrize("action", ["", "²", "publish\x00", "x" * 5000])
def test_a_garbage_public_summary_action_is_refused_with_a_message(
    client, proposal, staff_user, action
):
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ADOPTED)
    client.force_login(staff_user)
    url = reverse("quests:proposal_public_summary", args=[proposal.quest_id, proposal.pk])
    response = client.post(url, {"action": action}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("action", ["remove\x00", "²", "x" * 5000])
def test_team_member_garbage_action_is_refused(
    client, quest, staff_user, tamura, tamura_staff, action
):
    member = qf.add_to_team(quest, tamura_staff, tamura)
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:team_member", args=[quest.pk, member.pk]),
        {"action": action, "role": "leader\x00"},
        follow=True,
    )
    assert response.status_code == 200
    assert "error" in [m.level_tag for m in response.context["messages"]]
    member.refresh_from_db()
    assert member.role == "member"


@pytest.mark.parametrize("field", ["body"])
def test_a_message_with_nul_is_refused_next_to_the_field(client, proposal, company_user, field):
    client.force_login(company_user)
    url = reverse("quests:proposal_message", args=[proposal.quest_id, proposal.pk])
    response = client.post(url, {field: "店舗一覧\x00です"})
    assert response.status_code == 400
    assert response.context["message_form"].errors[field]


# --- Uploads -------------------------------------------------------------------------------


def _proposal_form(company, files) -> dict:
    return {
        "company": company.pk,
        "title": "売れ残り食品のマッチングアプリ実証",
        "summary": "割引販売",
        "approach": "3か月試行",
        "company_brings": "アプリ",
        "needs_from_municipality": "周知",
        "expected_results": "5トン削減",
        "measurement": "kg",
        "schedule": "1〜3月",
        "attachments": files,
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("提案書.hta", PDF),
        ("提案書.html", PDF),
        ("提案書.pdf", b"<html><script>alert(1)</script></html>"),
        ("写真.png", PDF),
        ("提案書\u202efdp.exe", PDF),
    ],
)
def test_an_attachment_whose_name_and_content_disagree_is_refused(
    client, quest, company, company_user, name, content
):
    client.force_login(company_user)
    response = client.post(
        reverse("quests:proposal_create", args=[quest.pk]),
        _proposal_form(company, [SimpleUploadedFile(name, content)]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Proposal.objects.exists() and not ProposalAttachment.objects.exists()


def test_an_attachment_is_downloaded_as_an_attachment_under_a_safe_name(
    client, proposal, staff_user
):
    attachment = proposal.attachments.create(
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name='../../提案書"\r\n.hta',
        content_type="application/pdf",
        size=len(PDF),
    )
    client.force_login(staff_user)
    response = client.get(
        reverse("quests:proposal_attachment", args=[proposal.quest_id, proposal.pk, attachment.pk])
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".hta" not in disposition and ".." not in disposition and "\r" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_accepted_attachment_keeps_a_safe_name(client, quest, company, company_user):
    client.force_login(company_user)
    client.post(
        reverse("quests:proposal_create", args=[quest.pk]),
        _proposal_form(company, [SimpleUploadedFile("C:\\Users\\me\\計画書.PDF", PDF)]),
    )
    assert ProposalAttachment.objects.get().original_name == "計画書.pdf"


# --- Query strings and exports --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"q": "食品\x00ロス"},
        {"q": "x" * 100_000},
        {"sort": "password"},
        {"sort": "\x00"},
        {"theme": "abc"},
        {"theme": "9" * 30},
        {"target": "\x00"},
        {"sdg": "²"},
        {"host": "\x00"},
        {"prefecture": "どこでもない県"},
        {"region": "1e9"},
        {"state": "\x00"},
        {"page": "9" * 30},
        {"page": "\x00"},
        {"page": "²"},
    ],
)
def test_garbage_in_the_quest_list_query_falls_back_and_says_so(client, quest, query):
    response = client.get(reverse("quests:list"), query)
    assert response.status_code == 200
    assert quest.title in response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
@pytest.mark.parametrize("query", [{"q": "\x00"}, {"theme": "abc"}, {"sort": "\x00"}])
def test_exports_survive_garbage_queries(client, quest, name, query):
    response = client.get(reverse(f"quests:{name}"), query)
    assert response.status_code == 200


def test_a_quest_title_starting_with_a_formula_is_neutralised_in_the_csv(client, koriyama):
    qf.make_quest(koriyama, title='=HYPERLINK("https://evil.example","詳細")')
    content = client.get(reverse("quests:export_csv")).getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in content
    assert ",=HYPERLINK" not in content


def test_a_hostile_criterion_name_is_refused(client, quest, staff_user):
    client.force_login(staff_user)
    names = list(quest.criteria.order_by("position").values_list("name", flat=True))
    names[0] = "実現性\u202e"
    response = client.post(
        reverse("quests:criteria", args=[quest.pk]), _criteria_data(quest, names)
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["name"]
    assert not ReviewCriterion.objects.filter(name__contains="\u202e").exists()
