"""The outcome archive finds an outcome however the keyword's dashes, tildes, place
names and long vowels are typed (issue 10 B7), through the one search normaliser."""

import pytest
from django.urls import reverse

from studygroups.models import Outcome

pytestmark = pytest.mark.django_db


def _titles(client, keyword: str) -> list[str]:
    response = client.get(reverse("studygroups:archive"), {"q": keyword})
    assert response.status_code == 200
    return [outcome.proposal_title for outcome in response.context["page"].object_list]


@pytest.fixture
def outcomes(cohort):
    cohort.is_published = True
    cohort.save(update_fields=["is_published"])
    first, second = cohort.teams.order_by("number")[:2]
    Outcome.objects.create(
        team=first,
        proposal_title="夜間窓口の試行",
        summary="郡山市役所の窓口を平日9時〜17時の後も開き、横瀬町の事例と比べる。",
        implemented="龍ヶ崎市の職員と3ヶ月のデータ交換を行った。",
    )
    Outcome.objects.create(
        team=second, proposal_title="磐梯町との観光連携", summary="観光ルートを共同で作る。"
    )
    return cohort


@pytest.mark.parametrize(
    "keyword",
    ["9時〜17時", "9時～17時", "9時~17時", "龍ケ崎", "龍が崎", "3か月"],
)
def test_outcome_is_found_however_the_keyword_is_spelled(client, outcomes, keyword):
    assert _titles(client, keyword) == ["夜間窓口の試行"]


def test_several_keywords_must_all_match_and_punctuation_separates_them(client, outcomes):
    assert _titles(client, "横瀬町、9時～17時") == ["夜間窓口の試行"]
    assert _titles(client, "磐梯町 9時～17時") == []


def test_the_archive_searches_the_stored_text_in_the_database(client, outcomes):
    """The keyword is matched against Outcome.search_text with LIKE, not in Python."""
    stored = Outcome.objects.get(proposal_title="夜間窓口の試行").search_text
    assert "9時-17時" in stored and "龍が崎" in stored and "3か月" in stored
    assert list(
        Outcome.objects.filter(search_text__contains="まち").values_list("team__number", flat=True)
    ) == [1]  # the field まち of team 1 is searched too


def test_a_field_renamed_in_the_settings_is_found_by_its_new_name(
    client, coordinator_user, outcomes
):
    from tests.studygroups.test_setup import settings_data

    client.force_login(coordinator_user)
    url = reverse("studygroups:settings", args=[outcomes.pk])
    data = settings_data(outcomes, **{"fields-0-name": "まちづくり"})
    assert client.post(url, data).status_code == 302
    client.logout()
    assert _titles(client, "まちづくり") == ["夜間窓口の試行"]
