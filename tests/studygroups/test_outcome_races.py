"""Two coordinators at the same moment: saving a team's first outcome, or starting a quest
from it, makes one outcome and one quest, and nobody gets a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from quests.models import Quest
from studygroups.models import Cohort, Field, Outcome, Programme, Team
from tests import factories
from tests.parallel import parallel_posts

pytestmark = pytest.mark.django_db(transaction=True)


def _cohort():
    koriyama = factories.make_municipality(regions=[factories.make_region()])
    coordinators = [
        factories.make_member(koriyama, role="coordinator", email=f"c{i}@city.koriyama.lg.jp")
        for i in range(2)
    ]
    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme, fiscal_year=2020, title="研究塾 2020", theme="広域", is_published=True
    )
    team = Team.objects.create(
        cohort=cohort, number=3, field=Field.objects.create(cohort=cohort, name="しごと")
    )
    clients = []
    for i in range(10):
        client = Client()
        client.force_login(coordinators[i % 2])
        clients.append(client)
    return cohort, team, clients


def test_ten_first_saves_of_an_outcome_make_one():
    cohort, team, clients = _cohort()
    url = reverse("studygroups:outcome", args=[cohort.pk, team.pk])
    responses = parallel_posts(
        [
            (
                c,
                url,
                {"proposal_title": f"提言{i}", "summary": "官民連携の場づくり", "implemented": ""},
            )
            for i, c in enumerate(clients)
        ]
    )
    assert [r.status_code for r in responses] == [302] * 10
    assert Outcome.objects.filter(team=team).count() == 1


def test_ten_clicks_on_start_a_quest_make_one_quest():
    cohort, team, clients = _cohort()
    outcome = Outcome.objects.create(
        team=team, proposal_title="官民連携の場づくり", summary="自治体と企業が課題解決に取り組む"
    )
    url = reverse("studygroups:outcome_to_quest", args=[cohort.pk, team.pk])
    responses = parallel_posts([(c, url, {}) for c in clients])
    assert 500 not in [r.status_code for r in responses]
    assert Quest.objects.count() == 1
    outcome.refresh_from_db()
    assert outcome.quest == Quest.objects.get()
