"""Races on quest write paths that only the database can settle: simultaneous requests
over real PostgreSQL, each with its own connection and transaction."""

import pytest
from django.test import Client
from django.urls import reverse

from quests.models import Proposal, Quest, QuestTransition, TeamMember
from tests import factories
from tests.parallel import parallel_posts
from tests.quests import factories as qf


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_data(quest: Quest, title: str) -> dict:
    return {
        "title": title,
        "summary": quest.summary,
        "background": quest.background,
        "affected": quest.affected,
        "tried": quest.tried,
        "outcome_sought": quest.outcome_sought,
        "offer_details": quest.offer_details,
        "proposal_deadline": quest.proposal_deadline.isoformat(),
        "contact_name": quest.contact_name,
        "contact_department": quest.contact_department,
        "contact_email": quest.contact_email,
        "host": quest.host_id,
    }


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_while_the_quest_is_cancelled_does_not_reopen_it(koriyama):
    """The edit page loaded the quest as open; a leader cancels it meanwhile. The edit
    must not write the stale state back (the audit trail says cancelled)."""
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    editors = [
        factories.make_member(koriyama, email=f"editor{i}@city.koriyama.lg.jp") for i in range(7)
    ]
    quests = [qf.make_quest(koriyama, title=f"食品ロス削減 {n}") for n in range(3)]
    requests = []
    for quest in quests:
        qf.add_to_team(quest, leader, koriyama, TeamMember.Role.LEADER)
        requests.append(
            (
                _client(leader),
                reverse("quests:transition", args=[quest.pk]),
                {"to_state": "cancelled"},
            )
        )
        for i, editor in enumerate(editors):
            requests.append(
                (
                    _client(editor),
                    reverse("quests:edit", args=[quest.pk]),
                    _edit_data(quest, f"{quest.title}(改訂{i})"),
                )
            )
    responses = parallel_posts(requests)
    assert 500 not in [r.status_code for r in responses]
    for quest in quests:
        quest.refresh_from_db()
        assert QuestTransition.objects.filter(quest=quest, to_state="cancelled").count() == 1
        assert quest.state == Quest.State.CANCELLED, "a stale edit reopened a cancelled quest"


@pytest.mark.django_db(transaction=True)
def test_changing_the_role_of_a_member_who_is_leaving_is_refused_not_a_500(koriyama, tamura):
    """A leader promotes a member at the moment that member leaves the team."""
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    quest = qf.make_quest(koriyama)
    qf.add_to_team(quest, leader, koriyama, TeamMember.Role.LEADER)
    requests = []
    for i in range(6):
        person = factories.make_member(tamura, email=f"m{i}@city.tamura.example.jp")
        member = qf.add_to_team(quest, person, tamura)
        requests.append((_client(person), reverse("quests:team_leave", args=[quest.pk]), {}))
        requests.append(
            (
                _client(leader),
                reverse("quests:team_member", args=[quest.pk, member.pk]),
                {"role": "leader"},
            )
        )
    responses = parallel_posts(requests)
    assert [r.status_code for r in responses if r.status_code not in (302, 404)] == []
    # Whoever left is gone; nobody was brought back by the role change.
    assert list(TeamMember.objects.filter(quest=quest).values_list("user", flat=True)) == [
        leader.pk
    ]


PROPOSAL = {
    "title": "売れ残り食品のマッチングアプリ実証",
    "summary": "飲食店の売れ残りを住民に割引販売する",
    "approach": "協力店舗20店で3か月試行",
    "company_brings": "アプリ",
    "needs_from_municipality": "周知",
    "expected_results": "5トン削減",
    "measurement": "販売重量(kg)",
    "schedule": "1〜3月",
    "submit": "1",
}


@pytest.mark.django_db(transaction=True)
def test_no_proposal_is_submitted_after_the_leader_closes_proposals(koriyama):
    """Companies submit at the moment the leader closes proposals: each submission lands
    before the close or is refused; none is accepted into a quest already selecting."""
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    quests = [qf.make_quest(koriyama, title=f"食品ロス削減 {n}") for n in range(3)]
    people = [
        factories.make_member(
            factories.make_company(f"株式会社みらい{i}"), email=f"p{i}@mirai.example.com"
        )
        for i in range(7)
    ]
    requests = []
    for quest in quests:
        qf.add_to_team(quest, leader, koriyama, TeamMember.Role.LEADER)
        requests.append(
            (
                _client(leader),
                reverse("quests:transition", args=[quest.pk]),
                {"to_state": "selecting"},
            )
        )
        for person in people:
            company = person.memberships.get().organisation
            requests.append(
                (
                    _client(person),
                    reverse("quests:proposal_create", args=[quest.pk]),
                    {**PROPOSAL, "company": company.pk},
                )
            )
    responses = parallel_posts(requests)
    assert 500 not in [r.status_code for r in responses]
    for quest in quests:
        closed_at = QuestTransition.objects.get(quest=quest, to_state="selecting").created_at
        late = Proposal.objects.filter(quest=quest, submitted_at__gt=closed_at)
        assert not late.exists(), "a proposal was accepted after proposals closed"


@pytest.mark.django_db(transaction=True)
def test_removing_a_criterion_while_reviewers_score_it_is_never_a_500(koriyama, company):
    """The leader removes the fifth criterion while six reviewers submit scores for all
    five: either the criterion goes and nobody's scores point at it, or it stays because
    scores arrived first; nobody sees a 500."""
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    reviewers = [
        factories.make_member(koriyama, email=f"r{i}@city.koriyama.lg.jp") for i in range(6)
    ]
    company_user = factories.make_member(company, email="p@foodshare.example.com")
    for round_ in range(3):
        quest = qf.make_quest(koriyama, title=f"食品ロス削減 {round_}")
        qf.add_to_team(quest, leader, koriyama, TeamMember.Role.LEADER)
        for reviewer in reviewers:
            qf.add_to_team(quest, reviewer, koriyama)
        proposal = qf.make_proposal(quest, company, company_user)
        criteria = list(quest.criteria.order_by("position", "id"))
        removal = {
            "form-TOTAL_FORMS": len(criteria),
            "form-INITIAL_FORMS": len(criteria),
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
        }
        for i, criterion in enumerate(criteria):
            removal.update(
                {
                    f"form-{i}-id": criterion.pk,
                    f"form-{i}-name": criterion.name,
                    f"form-{i}-description": criterion.description,
                }
            )
        removal[f"form-{len(criteria) - 1}-DELETE"] = "on"
        scores = {f"score_{c.pk}": 4 for c in criteria}
        review_url = reverse("quests:proposal_review", args=[quest.pk, proposal.pk])
        requests = [(_client(leader), reverse("quests:criteria", args=[quest.pk]), removal)]
        requests += [(_client(r), review_url, scores) for r in reviewers]
        responses = parallel_posts(requests)
        assert 500 not in [r.status_code for r in responses]
        last = criteria[-1]
        from quests.models import ReviewCriterion, ReviewScore

        if ReviewCriterion.objects.filter(pk=last.pk).exists():
            assert ReviewScore.objects.filter(criterion=last).exists()
        else:
            assert not ReviewScore.objects.filter(criterion_id=last.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_reuse_leaves_one_draft(koriyama, tamura):
    source = qf.make_quest(tamura, title="食品ロス削減（完了）", state=Quest.State.COMPLETED)
    staff = factories.make_member(koriyama, email="reuser@city.koriyama.lg.jp")
    url = reverse("quests:reuse", args=[source.pk])
    responses = parallel_posts([(_client(staff), url, {"host": koriyama.pk}) for _ in range(6)])
    assert [r.status_code for r in responses] == [302] * 6
    drafts = Quest.objects.filter(reused_from=source)
    assert drafts.count() == 1
    assert {r["Location"] for r in responses} == {reverse("quests:edit", args=[drafts.get().pk])}
