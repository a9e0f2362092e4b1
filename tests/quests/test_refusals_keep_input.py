"""A refused form comes back with its errors and with what was typed (issue 9, section 4:
"every form that fails validation shows the errors with the input kept"), and every field
whose text becomes public says so on the form (section 7)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cocreation.organisations.models import Organisation
from quests.errors import QuestError
from quests.forms.engagement import AnswerForm
from quests.forms.proposals import ProposalForm
from quests.forms.quests import QuestForm, TransitionForm
from quests.forms.trial import KpiForm
from quests.models import Kpi, Proposal, Quest, Question, QuestTransition

pytestmark = pytest.mark.django_db

PRIVATE = "予算の内訳は財政課と調整中"


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("comment", ["採" * 2001, "採択\x1b[31mしました"])
def test_a_refused_transition_comment_comes_back_with_the_error_and_both_texts(
    client, quest, staff_user, comment
):
    client.force_login(staff_user)
    data = {"to_state": "selecting", "comment": comment, "private_note": PRIVATE}
    response = client.post(reverse("quests:transition", args=[quest.pk]), data)
    assert response.status_code == 400
    html = _page(response)
    [error] = TransitionForm(data).errors["comment"]
    assert escape(error) in html
    assert f'value="{escape(comment)}"' in html
    assert f'value="{PRIVATE}"' in html
    quest.refresh_from_db()
    assert quest.state == Quest.State.OPEN
    assert not QuestTransition.objects.exists()


def test_a_transition_refused_by_the_rules_keeps_the_typed_comment(client, quest, staff_user):
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.SELECTING)  # moved meanwhile
    client.force_login(staff_user)
    data = {"to_state": "selecting", "comment": "締切ました", "private_note": PRIVATE}
    response = client.post(reverse("quests:transition", args=[quest.pk]), data)
    assert response.status_code == 400
    html = _page(response)
    assert "には変更できません" in html
    assert 'value="締切ました"' in html and f'value="{PRIVATE}"' in html
    assert not QuestTransition.objects.exists()


@pytest.mark.parametrize("answer", ["回" * 8001, "回答\x00です"])
def test_a_refused_answer_comes_back_with_the_error_and_the_text(
    client, quest, staff_user, company_user, answer
):
    question = Question.objects.create(quest=quest, asked_by=company_user, body="回収頻度は？")
    client.force_login(staff_user)
    prefix = f"q{question.pk}"
    data = {f"{prefix}-answer": answer}
    response = client.post(reverse("quests:question_answer", args=[quest.pk, question.pk]), data)
    assert response.status_code == 400
    html = _page(response)
    errors = AnswerForm(data, prefix=prefix).errors["answer"]
    assert errors and all(escape(error) in html for error in errors)
    assert escape(answer) in html
    question.refresh_from_db()
    assert question.answer == ""


def test_a_refused_public_summary_keeps_the_text(client, proposal, staff_user, monkeypatch):
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ADOPTED)

    def refuse(**kwargs):
        raise QuestError("The company has not agreed to this summary yet.")

    monkeypatch.setattr("quests.views.proposals.services.public_summary_update", refuse)
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:proposal_public_summary", args=[proposal.quest_id, proposal.pk]),
        {"action": "draft", "public_summary": "店舗での食品ロスを月500kg削減"},
    )
    assert response.status_code == 400
    html = _page(response)
    assert "The company has not agreed to this summary yet." in html
    assert "店舗での食品ロスを月500kg削減</textarea>" in html


def test_a_refused_withdrawal_keeps_the_reason(client, proposal, company_user, monkeypatch):
    def refuse(**kwargs):
        raise QuestError("This proposal can no longer be withdrawn.")

    monkeypatch.setattr("quests.views.proposals.services.proposal_withdraw", refuse)
    client.force_login(company_user)
    response = client.post(
        reverse("quests:proposal_withdraw", args=[proposal.quest_id, proposal.pk]),
        {"reason": "社内体制の見直しのため"},
    )
    assert response.status_code == 400
    html = _page(response)
    assert "This proposal can no longer be withdrawn." in html
    assert "社内体制の見直しのため</textarea>" in html
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_a_trial_item_refused_by_the_service_keeps_the_input(
    client, trial, staff_user, monkeypatch
):
    def refuse(**kwargs):
        raise QuestError("Someone deleted this item meanwhile.")

    monkeypatch.setattr("quests.views.trial.services.trial_item_save", refuse)
    kpi = Kpi.objects.get(trial=trial)
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:trial_item_edit", args=[trial.quest_id, "kpi", kpi.pk]),
        {
            "kpi-name": "食品ロス削減量（改）",
            "kpi-unit": "kg",
            "kpi-target": "6000",
            "kpi-actual": "3300",
            "kpi-baseline": "",
            "kpi-note": "月次集計",
        },
    )
    assert response.status_code == 400
    html = _page(response)
    assert "Someone deleted this item meanwhile." in html
    assert 'value="食品ロス削減量（改）"' in html and 'value="月次集計"' in html
    kpi.refresh_from_db()
    assert kpi.name == "食品ロス削減量"


# --- Text that becomes public says so ------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "unit", "target", "actual"])
def test_kpi_fields_shown_on_the_public_results_page_say_so(field):
    assert "公開" in str(KpiForm().fields[field].help_text)


@pytest.mark.parametrize(
    "field", ["contact_name", "contact_department", "contact_email", "contact_phone"]
)
def test_the_quest_contact_fields_say_anyone_can_read_them(field):
    assert "誰でも閲覧できます" in str(
        QuestForm(hosts=Organisation.objects.none()).fields[field].help_text
    )


def test_the_quest_form_says_its_text_becomes_public(client, staff_user):
    client.force_login(staff_user)
    html = _page(client.get(reverse("quests:create")))
    assert "誰でも閲覧できます" in html
    assert "担当者名・部署・メールアドレス・電話番号" in html


def test_the_confidential_part_says_exactly_who_reads_it():
    form = ProposalForm(companies=[])
    text = str(form.fields["confidential"].help_text)
    for reader in ("クエストチーム", "コーディネーター", "サイト管理者", "どの自治体の職員も"):
        assert reader in text, reader
    assert "クエストチームだけ" not in text
