"""Proposals: what a company submits, who sees it (never another company), review,
decisions, the private thread and the public summary."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cocreation.notifications.models import Notification
from quests.models import Proposal, ProposalEvent, Quest, Review
from tests import factories
from tests.parallel import parallel_posts
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "title": "売れ残り食品のマッチングアプリ実証",
    "summary": "飲食店の売れ残りを住民に割引販売する",
    "approach": "協力店舗20店で3か月試行",
    "company_brings": "アプリ",
    "needs_from_municipality": "周知",
    "expected_results": "5トン削減",
    "measurement": "販売重量(kg)",
    "schedule": "1〜3月",
    "confidential": "手数料率は販売額の10%",
}


def _post_proposal(client, quest, company, *, submit=True, files=None):
    data = {**FORM, "company": company.pk}
    if submit:
        data["submit"] = "1"
    if files:
        data["attachments"] = files
    return client.post(reverse("quests:proposal_create", args=[quest.pk]), data, follow=True)


def test_company_submits_and_the_team_is_notified(client, quest, company, company_user, staff_user):
    client.force_login(company_user)
    upload = SimpleUploadedFile("計画書.pdf", PDF, content_type="application/pdf")
    page = _post_proposal(client, quest, company, files=[upload]).content.decode()
    assert "提案をクエストチームに提出しました" in page
    proposal = Proposal.objects.get(quest=quest, company=company)
    assert proposal.state == Proposal.State.SUBMITTED
    assert proposal.attachments.get().original_name == "計画書.pdf"
    note = Notification.objects.get(recipient=staff_user, kind="quest.proposal_submitted")
    assert "株式会社フードシェア福島" in note.body


def test_draft_is_the_companys_own(client, quest, company, company_user, staff_user):
    client.force_login(company_user)
    _post_proposal(client, quest, company, submit=False)
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.State.DRAFT
    client.force_login(staff_user)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert not Notification.objects.filter(kind="quest.proposal_submitted").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "virus.pdf",
            b"MZ\x90\x00 not a pdf",
            "virus.pdf の中身がファイル名の示す形式（PDF）と一致しません",
        ),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "1ファイルの上限は"),
    ],
)
def test_bad_attachments_are_refused_and_the_form_kept(
    client, quest, company, company_user, name, content, message
):
    client.force_login(company_user)
    response = _post_proposal(client, quest, company, files=[SimpleUploadedFile(name, content)])
    html = response.content.decode()
    assert message in html
    assert FORM["approach"] in html  # what was typed is still there
    assert not Proposal.objects.exists()


def test_at_most_five_attachments(client, quest, company, company_user):
    client.force_login(company_user)
    files = [SimpleUploadedFile(f"p{i}.pdf", PDF) for i in range(6)]
    html = _post_proposal(client, quest, company, files=files).content.decode()
    assert "添付ファイルは1つの提案につき5件までです" in html


def test_one_live_proposal_per_company(client, quest, company, company_user, proposal):
    client.force_login(company_user)
    html = _post_proposal(client, quest, company).content.decode()
    assert "貴社はこのクエストに既に提案しています" in html
    assert Proposal.objects.filter(quest=quest, company=company).count() == 1


def test_the_quest_page_offers_the_companys_proposal_instead_of_a_second_one(
    client, quest, company, company_user, proposal, other_company_user
):
    create = reverse("quests:proposal_create", args=[quest.pk])
    mine = reverse("quests:proposal_detail", args=[quest.pk, proposal.pk])
    client.force_login(company_user)
    html = client.get(reverse("quests:detail", args=[quest.pk])).content.decode()
    assert mine in html and create not in html
    client.force_login(other_company_user)
    html = client.get(reverse("quests:detail", args=[quest.pk])).content.decode()
    assert create in html and mine not in html


def test_closed_quest_takes_no_proposal(client, quest, company, company_user):
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.SELECTING)
    client.force_login(company_user)
    html = client.get(reverse("quests:proposal_create", args=[quest.pk]), follow=True)
    assert "このクエストは現在提案を受け付けていません" in html.content.decode()


# --- Another company never sees a proposal ------------------------------------------


def test_other_company_sees_nothing(client, quest, proposal, other_company_user):
    attachment = proposal.attachments.create(
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name="見積.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    client.force_login(other_company_user)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert (
        client.get(
            reverse("quests:proposal_attachment", args=[quest.pk, proposal.pk, attachment.pk])
        ).status_code
        == 404
    )
    for url in (
        reverse("quests:proposal_list", args=[quest.pk]),
        reverse("quests:my_proposals"),
        reverse("quests:detail", args=[quest.pk]),
        reverse("quests:list") + "?q=マッチング",
        reverse("quests:export_csv"),
        reverse("quests:export_json"),
        reverse("quests:feed"),
    ):
        html = client.get(url).getvalue().decode()
        assert proposal.title not in html, url
        assert proposal.confidential not in html, url
    for action in ("proposal_review", "proposal_edit", "proposal_withdraw"):
        assert (
            client.get(reverse(f"quests:{action}", args=[quest.pk, proposal.pk])).status_code == 404
        )
    response = client.post(
        reverse("quests:proposal_message", args=[quest.pk, proposal.pk]), {"body": "見せて"}
    )
    assert response.status_code == 404


def test_team_and_company_see_the_confidential_part(client, proposal, staff_user, company_user):
    for user in (staff_user, company_user):
        client.force_login(user)
        html = client.get(proposal.get_absolute_url()).content.decode()

        assert proposal.confidential in html
        assert "非公開" in html


def test_staff_outside_the_team_cannot_see_proposals(client, proposal, tamura_staff):
    client.force_login(tamura_staff)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert client.get(reverse("quests:proposal_list", args=[proposal.quest_id])).status_code == 403


def test_attachment_is_served_with_its_name_to_the_team(client, quest, proposal, staff_user):
    attachment = proposal.attachments.create(
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name="計画書.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    client.force_login(staff_user)
    response = client.get(
        reverse("quests:proposal_attachment", args=[quest.pk, proposal.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


# --- Review and decision --------------------------------------------------------------


def _review(client, proposal, scores, **extra):
    criteria = list(proposal.quest.criteria.all())
    data = {f"score_{c.pk}": s for c, s in zip(criteria, scores, strict=False)}
    data.update(extra)
    return client.post(
        reverse("quests:proposal_review", args=[proposal.quest_id, proposal.pk]), data, follow=True
    )


def test_reviewers_score_and_conflicted_reviewers_are_left_out(
    client, quest, proposal, staff_user, tamura_staff, tamura
):
    qf.add_to_team(quest, tamura_staff, tamura)
    client.force_login(staff_user)
    _review(client, proposal, [5, 4, 5, 4, 4], comment="効果が測りやすい")
    client.force_login(tamura_staff)
    _review(client, proposal, [], conflict="on", conflict_note="親族が店舗を経営")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.UNDER_REVIEW
    assert Review.objects.get(reviewer=tamura_staff).scores.count() == 0
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "利害関係を申告し、審査を辞退しました" in html
    assert "5.0" in html  # the first criterion's average counts only the scoring reviewer


def test_missing_scores_are_refused_next_to_the_criterion(client, proposal, staff_user):
    client.force_login(staff_user)
    html = _review(client, proposal, [5, 4]).content.decode()
    assert "1〜5で評価してください" in html
    assert not Review.objects.exists()


def test_company_member_cannot_review_or_decide(client, proposal, company_user):
    client.force_login(company_user)
    url = reverse("quests:proposal_review", args=[proposal.quest_id, proposal.pk])
    assert client.get(url).status_code == 403
    decide = reverse("quests:proposal_decide", args=[proposal.quest_id, proposal.pk])
    assert client.post(decide, {"decision": "adopted"}).status_code == 403


def test_decision_not_adopted_needs_a_reason_and_the_company_hears_it(
    client, proposal, staff_user, company_user, org_admin_user
):
    client.force_login(staff_user)
    decide = reverse("quests:proposal_decide", args=[proposal.quest_id, proposal.pk])
    response = client.post(decide, {"decision": "not_adopted", "reason": ""})
    assert response.status_code == 400
    assert "不採択の理由を記入してください" in response.content.decode()
    client.post(decide, {"decision": "not_adopted", "reason": "試行期間に収まらないため"})
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.NOT_ADOPTED
    for member in (company_user, org_admin_user):
        note = Notification.objects.get(recipient=member, kind="quest.proposal_decided")
        assert "不採択" in note.title
        assert "試行期間に収まらないため" in note.body


def test_company_withdraws_then_may_propose_again(client, quest, proposal, company, company_user):
    client.force_login(company_user)
    client.post(reverse("quests:proposal_withdraw", args=[quest.pk, proposal.pk]), {"reason": ""})
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN
    html = _post_proposal(client, quest, company).content.decode()
    assert "提案をクエストチームに提出しました" in html


def test_private_thread_tells_the_other_side(client, proposal, staff_user, company_user):
    client.force_login(company_user)
    client.post(
        reverse("quests:proposal_message", args=[proposal.quest_id, proposal.pk]),
        {"body": "店舗の一覧を送ります"},
    )
    assert (
        Notification.objects.filter(recipient=staff_user, kind="quest.proposal_message").count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=company_user, kind="quest.proposal_message"
    ).exists()
    client.force_login(staff_user)
    assert "店舗の一覧を送ります" in client.get(proposal.get_absolute_url()).content.decode()


def test_public_summary_needs_the_companys_agreement(
    client, quest, proposal, staff_user, company_user
):
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ADOPTED)
    url = reverse("quests:proposal_public_summary", args=[quest.pk, proposal.pk])
    client.force_login(staff_user)
    client.post(url, {"action": "draft", "public_summary": "圏域14店舗で3.2トンを削減"})
    page = client.post(url, {"action": "publish"}, follow=True).content.decode()
    assert "企業がまだこの概要の公開に同意していません" in page
    client.force_login(company_user)
    client.post(url, {"action": "agree"})
    client.force_login(staff_user)
    client.post(url, {"action": "publish"})
    proposal.refresh_from_db()
    assert proposal.public_summary_published_at is not None
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.COMPLETED)


# --- Concurrency -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_submissions_make_one_proposal(koriyama):
    company = factories.make_company()
    people = [
        factories.make_member(company, email=f"p{i}@foodshare.example.com") for i in range(10)
    ]
    quest = qf.make_quest(koriyama)
    clients = []
    for person in people:
        c = Client()
        c.force_login(person)
        clients.append(c)
    url = reverse("quests:proposal_create", args=[quest.pk])
    data = {**FORM, "company": company.pk, "submit": "1"}
    responses = parallel_posts([(c, url, data) for c in clients])
    assert 500 not in [r.status_code for r in responses]
    assert Proposal.objects.filter(quest=quest, company=company).count() == 1
    refused = [r for r in responses if r.status_code == 200]
    assert len(refused) == 9
    assert all("貴社はこのクエストに既に提案しています" in r.content.decode() for r in refused)


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_record_one_decision(koriyama):
    company = factories.make_company()
    proposer = factories.make_member(company, email="p@foodshare.example.com")
    quest = qf.make_quest(koriyama)
    deciders = [
        factories.make_member(koriyama, email=f"d{i}@city.koriyama.lg.jp") for i in range(2)
    ]
    for person in deciders:
        qf.add_to_team(quest, person, koriyama, "leader")
    proposal = qf.make_proposal(quest, company, proposer)
    clients = []
    for person in deciders * 3:
        c = Client()
        c.force_login(person)
        clients.append(c)
    url = reverse("quests:proposal_decide", args=[quest.pk, proposal.pk])
    choices = [{"decision": "adopted"}, {"decision": "not_adopted", "reason": "予算外"}] * 3
    responses = parallel_posts(list(zip(clients, [url] * 6, choices, strict=True)))
    assert 500 not in [r.status_code for r in responses]
    assert ProposalEvent.objects.filter(proposal=proposal).count() == 1
    assert (
        Notification.objects.filter(kind="quest.proposal_decided", recipient=proposer).count() == 1
    )
