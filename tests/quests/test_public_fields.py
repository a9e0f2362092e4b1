"""Every field whose text becomes public says so on the form, and the team has a private
note where it needs one (issue 9, section 7: "public without saying so")."""

import pytest
from django.urls import reverse

from quests.forms.engagement import AnswerForm
from quests.forms.proposals import DecisionForm, PublicSummaryForm, WithdrawForm
from quests.forms.quests import TransitionForm
from quests.forms.trial import ResultsForm
from quests.models import Proposal, Quest, QuestTransition

pytestmark = pytest.mark.django_db

COMMENT = "フードシェア福島の提案を採択し試行へ"
PRIVATE = "予算の内訳は財政課と調整中（公開しない）"


def test_the_state_change_comment_says_it_is_public():
    form = TransitionForm()
    assert str(form.fields["comment"].label) == "公開コメント（任意）"
    assert str(form.fields["comment"].help_text) == "クエストのページで誰でも読めます"
    assert "チーム" in str(form.fields["private_note"].label)


def test_the_quest_page_labels_the_public_comment(client, quest, staff_user):
    client.force_login(staff_user)
    html = client.get(quest.get_absolute_url()).content.decode()
    assert "公開コメント（任意）" in html
    assert "クエストのページで誰でも読めます" in html
    assert "コメント（任意）</label>" not in html.replace("公開コメント（任意）</label>", "")


def test_the_private_note_is_shown_to_the_team_only(
    client, quest, staff_user, company_user, tamura_staff
):
    client.force_login(staff_user)
    client.post(
        reverse("quests:transition", args=[quest.pk]),
        {"to_state": "selecting", "comment": COMMENT, "private_note": PRIVATE},
    )
    transition = QuestTransition.objects.get(quest=quest)
    assert (transition.comment, transition.private_note) == (COMMENT, PRIVATE)
    assert PRIVATE in client.get(quest.get_absolute_url()).content.decode()
    for user in (None, company_user, tamura_staff):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get(quest.get_absolute_url()).content.decode()
        assert COMMENT in html
        assert PRIVATE not in html


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        (DecisionForm, "reason", "企業に送られます"),
        (WithdrawForm, "reason", "クエストチーム"),
        (PublicSummaryForm, "public_summary", "公開"),
        (AnswerForm, "answer", "公開"),
        (ResultsForm, "what_was_done", "公開"),
        (ResultsForm, "outcomes", "公開"),
        (ResultsForm, "lessons", "公開"),
        (ResultsForm, "reuse_requirements", "公開"),
    ],
)
def test_fields_read_by_others_say_who_reads_them(form, field, words):
    bound = form() if form is not AnswerForm else form(prefix="q1")
    text = f"{bound.fields[field].label} {bound.fields[field].help_text}"
    assert words in text


def test_the_withdrawal_reason_is_not_shown_to_anonymous_visitors(client, proposal, company_user):
    client.force_login(company_user)
    client.post(
        reverse("quests:proposal_withdraw", args=[proposal.quest_id, proposal.pk]),
        {"reason": "社内事情により辞退"},
    )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN
    client.logout()
    quest = Quest.objects.get(pk=proposal.quest_id)
    assert "社内事情により辞退" not in client.get(quest.get_absolute_url()).content.decode()
