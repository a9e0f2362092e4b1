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
        team=first, proposal_title="夜間窓口の試行",
        summary="郡山市役所の窓口を平日9時〜17時の後も開き、横瀬町の事例と比べる。",
        implemented="龍ヶ崎市の職員と3ヶ月のデータ交換を行った。",
    )  # fmt: skip
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
