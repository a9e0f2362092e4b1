"""A double click makes one thing (issue 9, section 5): five identical POSTs sent at the
same moment by one person create one row, notify once, and every response is a redirect
to the same place (OnceMiddleware settles it in PostgreSQL)."""

import pytest
from django.test import Client
from django.urls import reverse

from cocreation.notifications.models import Notification
from quests.models import Kpi, Milestone, ProposalMessage, Quest, Question, TeamMember
from tests import factories
from tests.parallel import parallel_posts
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db(transaction=True)


def _clients(user, count=5) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _five(user, url, data):
    responses = parallel_posts([(c, url, data) for c in _clients(user)])
    assert [r.status_code for r in responses] == [302] * 5
    assert len({r["Location"] for r in responses}) == 1
    return responses


@pytest.fixture
def team(koriyama):
    """An open quest of 郡山市 whose team has a leader and two members."""
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp")
    quest = qf.make_quest(koriyama, created_by=leader)
    qf.add_to_team(quest, leader, koriyama, TeamMember.Role.LEADER)
    for i in range(2):
        member = factories.make_member(koriyama, email=f"member{i}@city.koriyama.lg.jp")
        qf.add_to_team(quest, member, koriyama)
    return quest, leader


def test_five_parallel_questions_make_one_question_and_notify_once(team):
    quest, _leader = team
    asker = factories.make_member(factories.make_company(), email="asker@example.com")
    _five(asker, reverse("quests:questions", args=[quest.pk]), {"body": "予算はありますか。"})
    assert Question.objects.filter(quest=quest).count() == 1
    assert Notification.objects.filter(kind="quest.question_asked").count() == 3


def test_five_parallel_proposal_messages_make_one(team, company):
    quest, leader = team
    person = factories.make_member(company, email="p@foodshare.example.com")
    proposal = qf.make_proposal(quest, company, person)
    url = reverse("quests:proposal_message", args=[quest.pk, proposal.pk])
    _five(person, url, {"body": "店舗の一覧を送ります。"})
    assert ProposalMessage.objects.filter(proposal=proposal).count() == 1
    assert Notification.objects.filter(kind="quest.proposal_message").count() == 3


def test_five_parallel_quest_creations_make_one_draft(koriyama):
    staff = factories.make_member(koriyama, email="creator@city.koriyama.lg.jp")
    data = {
        "title": "除雪車の位置情報の見える化",
        "summary": "除雪車がどこにいるかを住民に知らせる",
        "background": "問い合わせが多い",
        "outcome_sought": "問い合わせの半減",
        "host": str(koriyama.pk),
        "proposal_deadline": "2030-01-31",
    }
    _five(staff, reverse("quests:create"), data)
    assert Quest.objects.filter(title=data["title"]).count() == 1


def test_five_parallel_milestones_make_one(team, company):
    quest, leader = team
    person = factories.make_member(company, email="p@foodshare.example.com")
    proposal = qf.make_proposal(quest, company, person, state="adopted")
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.IN_TRIAL)
    from quests.models import Trial

    Trial.objects.create(quest=quest, proposal=proposal)
    url = reverse("quests:trial_item_add", args=[quest.pk, "milestone"])
    _five(leader, url, {"milestone-title": "協力店舗の募集", "milestone-due_on": "2030-01-31"})
    assert Milestone.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "data", "model"),
    [
        ("kpi", {"kpi-name": "参加店舗数", "kpi-target": "20"}, Kpi),
        (
            "meeting",
            {
                "meeting-held_on": "2030-01-31",
                "meeting-attendees": "6名",
                "meeting-minutes": "初回",
            },
            None,
        ),
    ],
)
def test_five_parallel_kpis_and_meetings_make_one(team, company, kind, data, model):
    from quests.models import Trial, TrialMeeting

    quest, leader = team
    person = factories.make_member(company, email="p@foodshare.example.com")
    proposal = qf.make_proposal(quest, company, person, state="adopted")
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.IN_TRIAL)
    Trial.objects.create(quest=quest, proposal=proposal)
    _five(leader, reverse("quests:trial_item_add", args=[quest.pk, kind]), data)
    assert (model or TrialMeeting).objects.count() == 1


def test_five_parallel_answers_publish_once(team, company):
    quest, leader = team
    asker = factories.make_member(company, email="p@foodshare.example.com")
    question = Question.objects.create(quest=quest, asked_by=asker, body="予算は？")
    url = reverse("quests:question_answer", args=[quest.pk, question.pk])
    _five(leader, url, {f"q{question.pk}-answer": "予算はありません。"})
    assert Notification.objects.filter(kind="quest.question_answered").count() == 1


def test_five_parallel_reviews_make_one(team, company):
    from quests.models import Review, ReviewScore

    quest, leader = team
    person = factories.make_member(company, email="p@foodshare.example.com")
    proposal = qf.make_proposal(quest, company, person)
    data = {f"score_{c.pk}": "4" for c in quest.criteria.all()}
    _five(leader, reverse("quests:proposal_review", args=[quest.pk, proposal.pk]), data)
    assert Review.objects.count() == 1
    assert ReviewScore.objects.count() == quest.criteria.count()


def test_five_parallel_team_joins_make_one_membership(team, tamura):
    quest, _leader = team
    person = factories.make_member(tamura, email="eager@city.tamura.example.jp")
    _five(person, reverse("quests:team_join", args=[quest.pk]), {"organisation": tamura.pk})
    assert TeamMember.objects.filter(quest=quest, user=person).count() == 1
