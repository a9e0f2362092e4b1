"""A quest moves draft → open → selecting → in trial → completed (or cancelled), only by
allowed moves, each recorded with who, when and why."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from quests.models import Proposal, Quest, QuestTransition, Trial
from quests.services import quests as services
from tests import factories
from tests.parallel import parallel_posts
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db


def _move(client, quest, to_state, comment=""):
    return client.post(
        reverse("quests:transition", args=[quest.pk]),
        {"to_state": to_state, "comment": comment},
        follow=True,
    )


def test_full_life_with_audit_trail_on_the_page(client, quest, staff_user, company, company_user):
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.DRAFT)
    client.force_login(staff_user)
    page = _move(client, quest, "open", "研究塾3班の提案に基づき募集開始").content.decode()
    assert "クエストを「提案募集中」にしました" in page
    _move(client, quest, "selecting")
    qf.make_proposal(quest, company, company_user, state=Proposal.State.ADOPTED)
    _move(client, quest, "in_trial")
    page = _move(client, quest, "completed", "試行完了").content.decode()
    quest.refresh_from_db()
    assert quest.state == Quest.State.COMPLETED
    assert Trial.objects.filter(quest=quest).exists()
    assert QuestTransition.objects.filter(quest=quest).count() == 4
    # The history shows who moved it, from what to what, and the comment.
    assert "提案募集中 → 選考中" in page
    assert "研究塾3班の提案に基づき募集開始" in page
    assert staff_user.display_name in page


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "selecting"),
        ("draft", "completed"),
        ("open", "in_trial"),
        ("completed", "open"),
        ("cancelled", "open"),
        ("in_trial", "open"),
    ],
)
def test_wrong_moves_are_refused_with_a_message(client, quest, staff_user, start, target):
    Quest.objects.filter(pk=quest.pk).update(state=start)
    client.force_login(staff_user)
    page = _move(client, quest, target).content.decode()
    quest.refresh_from_db()
    assert quest.state == start
    assert "には変更できません" in page
    assert not QuestTransition.objects.filter(quest=quest).exists()


def test_only_allowed_moves_are_offered(client, quest, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("quests:detail", args=[quest.pk])).content.decode()
    assert "募集を締め切って選考を始める" in page
    assert "クエストを中止する" in page
    assert "実証を始める" not in page
    assert "クエストを完了する" not in page


def test_opening_needs_a_future_deadline(client, quest, staff_user):
    Quest.objects.filter(pk=quest.pk).update(
        state=Quest.State.DRAFT, proposal_deadline=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(staff_user)
    page = _move(client, quest, "open").content.decode()
    assert "今日以降の提案締切を設定してください" in page
    quest.refresh_from_db()
    assert quest.state == Quest.State.DRAFT


def test_trial_needs_an_adopted_proposal(client, quest, staff_user, company, company_user):
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.SELECTING)
    qf.make_proposal(quest, company, company_user, state=Proposal.State.UNDER_REVIEW)
    client.force_login(staff_user)
    page = _move(client, quest, "in_trial").content.decode()
    assert "提案を採択してください" in page
    assert not Trial.objects.filter(quest=quest).exists()


def test_company_and_other_staff_cannot_move_a_quest(client, quest, company_user, tamura_staff):
    for user in (company_user, tamura_staff):
        client.force_login(user)
        response = client.post(
            reverse("quests:transition", args=[quest.pk]), {"to_state": "selecting"}
        )
        assert response.status_code == 403
    quest.refresh_from_db()
    assert quest.state == Quest.State.OPEN


def test_coordinator_of_the_region_may_move_it(client, quest, coordinator_user):
    client.force_login(coordinator_user)
    _move(client, quest, "selecting")
    quest.refresh_from_db()
    assert quest.state == Quest.State.SELECTING


def test_team_hears_of_state_changes_but_not_the_actor(quest, staff_user, tamura_staff, tamura):
    qf.add_to_team(quest, tamura_staff, tamura)
    services.quest_transition(quest=quest, user=staff_user, to_state="selecting", comment="締切")
    assert (
        Notification.objects.filter(recipient=tamura_staff, kind="quest.state_changed").count() == 1
    )
    assert not Notification.objects.filter(
        recipient=staff_user, kind="quest.state_changed"
    ).exists()
    body = Notification.objects.get(recipient=tamura_staff).body
    assert "提案募集中" in body and "選考中" in body and "締切" in body


def test_create_gives_default_criteria_and_makes_the_creator_leader(client, staff_user, koriyama):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:create"),
        {
            "title": "除雪情報のリアルタイム共有",
            "summary": "除雪車の位置を住民に知らせる",
            "background": "問い合わせが集中する",
            "outcome_sought": "問い合わせ半減",
            "host": koriyama.pk,
            "proposal_deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "sdg_targets": ["9.1", "11.2"],
            "offers": ["data"],
        },
    )
    assert response.status_code == 302
    quest = Quest.objects.get(title="除雪情報のリアルタイム共有")
    assert quest.state == Quest.State.DRAFT
    assert [c.name for c in quest.criteria.all()] == [
        "チーム",
        "課題の理解",
        "職員と協働する力",
        "新規性",
        "持続可能性",
    ]
    assert quest.team.get().role == "leader"
    assert sorted(t.code for t in quest.sdg_targets.all()) == ["11.2", "9.1"]


def test_bad_form_keeps_what_was_typed(client, staff_user, koriyama):
    client.force_login(staff_user)
    response = client.post(
        reverse("quests:create"),
        {
            "title": "途中まで書いたクエスト",
            "host": koriyama.pk,
            "trial_starts_on": "2026-12-10",
            "trial_ends_on": "2026-12-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="途中まで書いたクエスト"' in page
    assert "実証の終了日は開始日より後にしてください" in page
    assert "このフィールドは必須です" in page


def test_staff_cannot_host_for_another_municipality(client, tamura_staff, koriyama):
    client.force_login(tamura_staff)
    response = client.post(
        reverse("quests:create"),
        {
            "title": "x",
            "summary": "x",
            "background": "x",
            "outcome_sought": "x",
            "host": koriyama.pk,
        },
    )
    assert response.status_code == 200
    assert not Quest.objects.filter(title="x").exists()


def test_reuse_copies_the_issue_and_links_back(client, quest, tamura_staff, tamura):
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.COMPLETED)
    client.force_login(tamura_staff)
    response = client.post(reverse("quests:reuse", args=[quest.pk]), {"host": tamura.pk})
    new = Quest.objects.get(reused_from=quest)
    assert response.status_code == 302
    assert new.host == tamura and new.state == Quest.State.DRAFT
    assert new.background == quest.background
    assert new.criteria.count() == 5
    assert list(new.themes.all()) == list(quest.themes.all())
    page = client.get(reverse("quests:detail", args=[new.pk])).content.decode()
    assert quest.title in page


def test_reuse_of_an_open_quest_is_not_offered(client, quest, tamura_staff):
    client.force_login(tamura_staff)
    assert client.get(reverse("quests:reuse", args=[quest.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_moves_apply_once(koriyama):
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    second = factories.make_member(koriyama, email="second@city.koriyama.lg.jp")
    quest = qf.make_quest(koriyama)
    qf.add_to_team(quest, leader, koriyama, "leader")
    clients = []
    for user in (leader, second) * 4:
        c = Client()
        c.force_login(user)
        clients.append(c)
    url = reverse("quests:transition", args=[quest.pk])
    responses = parallel_posts([(c, url, {"to_state": "selecting"}) for c in clients], follow=True)
    assert all(r.status_code == 200 for r in responses)
    pages = [r.content.decode() for r in responses]
    assert sum("クエストを「選考中」にしました" in p for p in pages) == 1
    # Every other click is refused by the state rule, or (the leader's own identical
    # clicks) answered once by OnceMiddleware; a refusal does not block a resend.
    once = "同じ内容が2回送信されました"
    assert all(
        ("には変更できません" in p) != (once in p) for p in pages if "選考中」にしました" not in p
    )
    assert sum("には変更できません" in p for p in pages) >= 4  # all of `second`'s clicks
    assert QuestTransition.objects.filter(quest=quest).count() == 1


def test_co_host_approvers_decide_other_co_host_staff_only_edit(
    client, quest, tamura, tamura_staff
):
    co_host = quest.co_hosts.create(organisation=tamura)
    client.force_login(tamura_staff)
    assert client.get(reverse("quests:edit", args=[quest.pk])).status_code == 200
    response = client.post(reverse("quests:transition", args=[quest.pk]), {"to_state": "selecting"})
    assert response.status_code == 403
    co_host.approvers.add(tamura_staff)
    _move(client, quest, "selecting")
    quest.refresh_from_db()
    assert quest.state == Quest.State.SELECTING
    assert "承認者" in client.get(quest.get_absolute_url()).content.decode()
