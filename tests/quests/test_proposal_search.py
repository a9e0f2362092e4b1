"""The keyword search of a quest's proposal list (issue 12): it searches only the proposals
the person may open, so a keyword never reveals another company's proposal, a draft, or
a confidential part the person may not read; tried as every role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quests import permissions
from quests.models import Proposal
from tests import factories
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db

# A word of each proposal's title, summary and confidential part, found nowhere else.
WORDS = {
    "own": {"title": "甲社アプリ", "summary": "甲社要約", "confidential": "甲社単価表"},
    "other": {"title": "乙社配送網", "summary": "乙社要約", "confidential": "乙社原価表"},
    "draft": {"title": "丙社下書き", "summary": "丙社要約", "confidential": "丙社秘密"},
}


@pytest.fixture
def third_company_user(db):
    return factories.make_member(
        factories.make_company("株式会社丙"), email="member@hei.example.com", family="丙"
    )


@pytest.fixture
def proposals(quest, company, company_user, other_company, other_company_user, third_company_user):
    """Two submitted proposals of two companies and a third company's draft."""
    made = {}
    for key, (organisation, user, state) in {
        "own": (company, company_user, Proposal.State.SUBMITTED),
        "other": (other_company, other_company_user, Proposal.State.SUBMITTED),
        "draft": (
            third_company_user.memberships.get().organisation,
            third_company_user,
            Proposal.State.DRAFT,
        ),
    }.items():
        words = WORDS[key]
        made[key] = qf.make_proposal(
            quest,
            organisation,
            user,
            state=state,
            title=f"{words['title']}の実証",
            summary=f"{words['summary']}です",
            confidential=f"{words['confidential']}(社外秘)",
        )
    return made


ROLES = [
    "staff_user",  # leads the quest's team
    "coordinator_user",  # coordinator of the host
    "site_admin",
    "company_user",  # the "own" proposal's company
    "other_company_user",
    "third_company_user",  # the draft's company
    "tamura_staff",  # staff of the region, not on the team
    "no_org_user",
]


@pytest.mark.parametrize("role", ROLES)
def test_a_keyword_finds_only_what_the_person_may_open(client, request, quest, proposals, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("quests:proposal_list", args=[quest.pk])
    may_open = {
        key for key, proposal in proposals.items() if permissions.can_view_proposal(user, proposal)
    }
    for key, words in WORDS.items():
        for field, word in words.items():
            response = client.get(url, {"q": word})
            if response.status_code != 200:
                # Nobody else may open the list at all, searched or not.
                assert response.status_code == 403, (role, word)
                assert not may_open
                continue
            found = {p.pk for p in response.context["proposals"]}
            expected = {proposals[key].pk} if key in may_open else set()
            assert found == expected, (role, field, word)
            html = response.content.decode()
            for hidden in set(proposals) - may_open:
                assert proposals[hidden].title not in html, (role, word)
            if found:
                # What was found by its confidential part is shown on its page.
                page = client.get(proposals[key].get_absolute_url())
                assert page.status_code == 200 and word in page.content.decode()


def test_the_team_has_a_search_box_and_is_told_when_nothing_matches(
    client, staff_user, company_user, quest, proposals
):
    url = reverse("quests:proposal_list", args=[quest.pk])
    client.force_login(staff_user)
    html = client.get(url).content.decode()
    assert 'name="q"' in html
    html = client.get(url, {"q": "存在しない言葉"}).content.decode()
    assert "キーワードに当てはまる提案はありません。" in html
    # Keywords are found however they are typed (the one normaliser): katakana as hiragana.
    response = client.get(url, {"q": "甲社あぷり"})
    assert [p.pk for p in response.context["proposals"]] == [proposals["own"].pk]
    client.force_login(company_user)
    assert 'name="q"' not in client.get(url).content.decode()


def test_a_refused_keyword_lists_every_proposal_and_says_so(client, staff_user, quest, proposals):
    client.force_login(staff_user)
    url = reverse("quests:proposal_list", args=[quest.pk])
    response = client.get(url, {"q": "甲社\x00"})
    assert response.status_code == 200
    assert len(response.context["proposals"]) == 2
    assert "キーワードは使えませんでした" in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_search_costs_the_same_queries_however_many_proposals(
    client, staff_user, quest, proposals
):
    client.force_login(staff_user)
    url = reverse("quests:proposal_list", args=[quest.pk]) + "?q=実証 社"
    before = _queries(client, url)
    for i in range(12):
        company = factories.make_company(f"株式会社増{i}")
        user = factories.make_member(company, email=f"m{i}@zou{i}.example.jp")
        qf.make_proposal(quest, company, user, title=f"増{i}社の実証")
    assert len(client.get(url).context["proposals"]) == 14
    assert _queries(client, url) == before <= 25
