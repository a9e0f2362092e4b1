"""Every quest page renders for the people who use it, and refuses those who may not."""

import pytest
from django.urls import reverse

from quests.models import Proposal, Quest, Trial
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial_quest(quest, company, company_user, staff_user):
    proposal = qf.make_proposal(quest, company, company_user, state=Proposal.State.ADOPTED)
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.IN_TRIAL)
    Trial.objects.create(quest=quest, proposal=proposal)
    quest.refresh_from_db()
    return quest


def _pages(quest, proposal):
    return {
        "list": reverse("quests:list"),
        "detail": reverse("quests:detail", args=[quest.pk]),
        "edit": reverse("quests:edit", args=[quest.pk]),
        "criteria": reverse("quests:criteria", args=[quest.pk]),
        "questions": reverse("quests:questions", args=[quest.pk]),
        "proposals": reverse("quests:proposal_list", args=[quest.pk]),
        "proposal": reverse("quests:proposal_detail", args=[quest.pk, proposal.pk]),
        "review": reverse("quests:proposal_review", args=[quest.pk, proposal.pk]),
        "create": reverse("quests:create"),
        "feed": reverse("quests:feed"),
        "csv": reverse("quests:export_csv"),
        "json": reverse("quests:export_json"),
    }


# page -> the roles that get 200; the others are refused (302 to login, 403 or 404).
ALLOWED = {
    "list": {
        "anonymous",
        "no_org_user",
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "tamura_staff",
        "other_company_user",
    },
    "detail": {
        "anonymous",
        "no_org_user",
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "tamura_staff",
        "other_company_user",
    },
    "questions": {
        "anonymous",
        "no_org_user",
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "tamura_staff",
        "other_company_user",
    },
    "feed": {
        "anonymous",
        "no_org_user",
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "tamura_staff",
        "other_company_user",
    },
    "csv": {
        "anonymous",
        "no_org_user",
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "tamura_staff",
        "other_company_user",
    },
    "json": {
        "anonymous",
        "no_org_user",
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "tamura_staff",
        "other_company_user",
    },
    "edit": {"staff_user", "coordinator_user", "site_admin"},
    "criteria": {"staff_user", "coordinator_user", "site_admin"},
    "proposals": {
        "staff_user",
        "company_user",
        "coordinator_user",
        "site_admin",
        "other_company_user",
    },
    "proposal": {"staff_user", "company_user", "coordinator_user", "site_admin"},
    "review": {"staff_user"},
    "create": {"staff_user", "coordinator_user", "site_admin", "tamura_staff"},
}

ROLES = [
    "anonymous",
    "no_org_user",
    "staff_user",
    "tamura_staff",
    "company_user",
    "other_company_user",
    "coordinator_user",
    "site_admin",
]


@pytest.mark.parametrize("role", ROLES)
def test_each_page_as_each_role(request, client, quest, proposal, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for name, url in _pages(quest, proposal).items():
        response = client.get(url)
        if role in ALLOWED[name]:
            assert response.status_code == 200, (name, role, response.status_code)
        else:
            assert response.status_code in (302, 403, 404), (name, role, response.status_code)
            if role == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_trial_and_results_pages(client, trial_quest, staff_user, company_user, other_company_user):
    trial_url = reverse("quests:trial", args=[trial_quest.pk])
    results_url = reverse("quests:results", args=[trial_quest.pk])
    client.force_login(staff_user)
    assert client.get(trial_url).status_code == 200
    assert client.get(results_url).status_code == 200
    assert client.get(reverse("quests:results_edit", args=[trial_quest.pk])).status_code == 200
    for kind in ("kpi", "meeting", "milestone"):
        assert (
            client.get(reverse("quests:trial_item_add", args=[trial_quest.pk, kind])).status_code
            == 200
        )
    client.force_login(company_user)
    assert client.get(trial_url).status_code == 200
    client.force_login(other_company_user)
    assert client.get(trial_url).status_code == 403
    assert client.get(results_url).status_code == 404


def test_draft_is_invisible_to_others(client, draft_quest, company_user, tamura_staff, staff_user):
    url = reverse("quests:detail", args=[draft_quest.pk])
    for user in (company_user, tamura_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert draft_quest.title not in client.get(reverse("quests:list")).content.decode()
    client.force_login(staff_user)
    assert client.get(url).status_code == 200
    assert draft_quest.title in client.get(reverse("quests:list")).content.decode()
