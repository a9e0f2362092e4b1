"""What follows a trial (issue 13, part 4): adopted as a service (本格導入), extended, or
not continued; one record per quest and fiscal year, its history kept, public on the
quest page and its results page (the amount only when marked public), recorded only by
those who manage the trial."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cocreation.core.dates import fiscal_year
from cocreation.notifications.models import Notification
from quests.errors import QuestError
from quests.models import Quest, TrialTransition, TrialTransitionRevision
from quests.services.trial import transition_record

pytestmark = pytest.mark.django_db

ADOPTED = {
    "fiscal_year": "2021",
    "outcome": "adopted",
    "budget_line": "食品ロス削減推進事業",
    "amount_yen": "2400000",
    "procurement": "proposal",
    "reason": "",
}


def _url(quest):
    return reverse("quests:transitions", args=[quest.pk])


def test_fiscal_year_runs_april_to_march():
    import datetime as dt

    assert fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year(dt.date(2026, 4, 1)) == 2026


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("no_org_user", 403),
        ("company_user", 403),
        ("tamura_staff", 403),
        ("staff_user", 302),
        ("coordinator_user", 302),
        ("site_admin", 302),
    ],
)
def test_only_those_who_manage_the_trial_record_it(client, request, trial, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    get = client.get(_url(trial.quest))
    response = client.post(_url(trial.quest), ADOPTED)
    if expected == "login":
        assert get.status_code == 302 and response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not TrialTransition.objects.exists()
    elif expected == 403:
        assert get.status_code == 403 and response.status_code == 403
        assert not TrialTransition.objects.exists()
    else:
        assert get.status_code == 200
        assert response.status_code == 302
        assert TrialTransition.objects.get().amount_yen == 2_400_000


def test_the_service_refuses_outsiders(trial, company_user, tamura_staff):
    for user in (company_user, tamura_staff):
        with pytest.raises(QuestError):
            transition_record(quest=trial.quest, user=user, fiscal_year=2021, outcome="extended")
    assert not TrialTransition.objects.exists()


def test_edit_refused_to_outsiders(client, trial, staff_user, company_user):
    record = transition_record(
        quest=trial.quest, user=staff_user, fiscal_year=2021, outcome="extended"
    )
    client.force_login(company_user)
    url = reverse("quests:transition_edit", args=[trial.quest.pk, record.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {**ADOPTED}).status_code == 403
    record.refresh_from_db()
    assert record.outcome == "extended"


def test_one_record_per_quest_and_fiscal_year(client, trial, staff_user):
    client.force_login(staff_user)
    assert client.post(_url(trial.quest), ADOPTED).status_code == 302
    again = client.post(_url(trial.quest), {**ADOPTED, "outcome": "extended"})
    assert again.status_code == 400
    assert "この年度の記録はすでにあります" in again.content.decode()
    assert TrialTransition.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        TrialTransition.objects.create(quest=trial.quest, fiscal_year=2021, outcome="extended")


def test_not_continued_needs_a_reason(client, trial, staff_user):
    client.force_login(staff_user)
    response = client.post(_url(trial.quest), {"fiscal_year": "2021", "outcome": "not_continued"})
    assert response.status_code == 400
    assert "継続しない理由を書いてください" in response.content.decode()
    assert not TrialTransition.objects.exists()
    with pytest.raises(QuestError):
        transition_record(
            quest=trial.quest, user=staff_user, fiscal_year=2021, outcome="not_continued"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrialTransition.objects.create(quest=trial.quest, fiscal_year=2021, outcome="not_continued")


def test_budget_is_dropped_for_other_outcomes(trial, staff_user):
    record = transition_record(
        quest=trial.quest,
        user=staff_user,
        fiscal_year=2021,
        outcome="extended",
        budget_line="x",
        amount_yen=100,
        amount_public=True,
        procurement="negotiated",
    )
    assert (record.budget_line, record.amount_yen, record.procurement) == ("", None, "")


def test_later_years_are_added_and_changes_keep_history(client, trial, staff_user, company_user):
    quest = trial.quest
    first = transition_record(quest=quest, user=staff_user, fiscal_year=2021, outcome="extended")
    transition_record(
        quest=quest,
        user=staff_user,
        pk=first.pk,
        fiscal_year=2021,
        outcome="adopted",
        amount_yen=1_000_000,
    )
    transition_record(
        quest=quest, user=staff_user, fiscal_year=2022, outcome="not_continued", reason="予算縮小"
    )
    assert list(quest.trial_transitions.values_list("fiscal_year", "outcome")) == [
        (2021, "adopted"),
        (2022, "not_continued"),
    ]
    assert list(
        TrialTransitionRevision.objects.filter(transition=first)
        .order_by("id")
        .values_list("outcome", flat=True)
    ) == ["extended", "adopted"]
    # The same save twice (a retry) writes no second version.
    transition_record(
        quest=quest,
        user=staff_user,
        pk=first.pk,
        fiscal_year=2021,
        outcome="adopted",
        amount_yen=1_000_000,
    )
    assert TrialTransitionRevision.objects.filter(transition=first).count() == 2
    # The adopted company's members are told, in plain text.
    notes = Notification.objects.filter(recipient=company_user).order_by("id")
    assert notes.count() == 3
    assert "2021年度の試行後の方針を記録しました：本格導入" in notes[1].body
    assert "1,000,000" not in notes[1].body  # the amount is not public
    assert "理由：予算縮小" in notes[2].body
    client.force_login(staff_user)
    page = client.get(_url(quest)).content.decode()
    assert "2版" in page or "2 versions" in page


def test_not_before_the_trial(quest, staff_user):
    with pytest.raises(QuestError):
        transition_record(quest=quest, user=staff_user, fiscal_year=2021, outcome="extended")


def test_public_pages_show_the_amount_only_when_public(client, trial, staff_user):
    quest = trial.quest
    record = transition_record(
        quest=quest,
        user=staff_user,
        fiscal_year=2021,
        outcome="adopted",
        budget_line="食品ロス削減推進事業",
        amount_yen=2_400_000,
        procurement="proposal",
    )
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.COMPLETED)
    from quests.models import ResultsReport

    ResultsReport.objects.create(
        quest=quest,
        what_was_done="a",
        outcomes="b",
        lessons="c",
        reuse_requirements="d",
        published_at="2021-04-01T00:00:00+09:00",
    )
    pages = [reverse("quests:detail", args=[quest.pk]), reverse("quests:results", args=[quest.pk])]
    for url in pages:
        page = client.get(url).content.decode()
        assert "2021年度" in page and "本格導入" in page and "食品ロス削減推進事業" in page
        assert "プロポーザル方式" in page
        assert "2,400,000" not in page
    transition_record(
        quest=quest,
        user=staff_user,
        pk=record.pk,
        fiscal_year=2021,
        outcome="adopted",
        budget_line="食品ロス削減推進事業",
        amount_yen=2_400_000,
        amount_public=True,
        procurement="proposal",
    )
    for url in pages:
        # The kept anonymous page was forgotten by the save.
        assert "2,400,000円" in client.get(url).content.decode()


def test_hostile_input_is_refused_next_to_the_field(client, trial, staff_user):
    client.force_login(staff_user)
    for data in (
        {**ADOPTED, "fiscal_year": "1999"},
        {**ADOPTED, "fiscal_year": "abc"},
        {**ADOPTED, "amount_yen": "-5"},
        {**ADOPTED, "amount_yen": "1" * 20},
        {**ADOPTED, "budget_line": "a\nb"},
        {**ADOPTED, "outcome": "bogus"},
        {**ADOPTED, "procurement": "bribe"},
    ):
        response = client.post(_url(trial.quest), data)
        assert response.status_code == 400, data
        assert "errorlist" in response.content.decode()
    assert not TrialTransition.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_managers_recording_the_same_year_at_once_make_one_record(trial, koriyama):
    from django.test import Client

    from tests import factories
    from tests.parallel import parallel_posts

    requests = []
    for i in range(4):
        client = Client()
        client.force_login(factories.make_member(koriyama, email=f"race{i}@city.koriyama.lg.jp"))
        outcome = "adopted" if i % 2 else "extended"
        requests.append((client, _url(trial.quest), {**ADOPTED, "outcome": outcome}))
    responses = parallel_posts(requests)
    assert sorted(r.status_code for r in responses) == [302, 400, 400, 400]
    record = TrialTransition.objects.get()
    assert record.revisions.count() == 1
