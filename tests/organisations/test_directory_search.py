"""The organisations directory finds an organisation however its name, reading or code
is typed (issue 10 B7), through the one search normaliser."""

import pytest
from django.urls import reverse

from cocreation.organisations.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def _names(client, keyword: str, **filters) -> list[str]:
    response = client.get(reverse("organisations:list"), {"q": keyword, **filters})
    assert response.status_code == 200
    assert "条件の一部を読み取れませんでした" not in response.content.decode()
    return sorted(o.name for o in response.context["page"].object_list)


def _reading(organisation: Organisation, kana: str) -> None:
    # Saved, not updated in SQL: save() keeps the search columns (cocreation.core.search).
    organisation.name_kana = kana
    organisation.save(update_fields=["name_kana"])


@pytest.fixture
def directory(client, staff_user, koriyama):
    _reading(koriyama, "コオリヤマシ")
    ryugasaki = factories.make_municipality(
        "龍ケ崎市", "082082", domain="city.ryugasaki.example.jp", prefecture="茨城県"
    )
    _reading(ryugasaki, "リュウガサキシ")
    factories.make_municipality("横瀬町", "113611", domain="yokoze.example.jp", prefecture="埼玉県")
    factories.make_municipality("磐梯町", "074080", domain="bandai.example.jp")
    _reading(factories.make_company("株式会社ウェブ〜データ"), "ウェブデータ")
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    ("keyword", "names"),
    [
        ("龍ヶ崎", ["龍ケ崎市"]),
        ("龍が崎", ["龍ケ崎市"]),
        ("りゅうがさき", ["龍ケ崎市"]),  # the reading typed in hiragana, stored in katakana
        ("こおりやま", ["郡山市"]),
        ("ｺｵﾘﾔﾏ", ["郡山市"]),
        ("ウェブ～データ", ["株式会社ウェブ〜データ"]),
        ("ウェブ~データ", ["株式会社ウェブ〜データ"]),
        ("０８２", ["龍ケ崎市"]),  # the code's first digits, typed full-width
        ("横瀬町\u3000", ["横瀬町"]),
    ],
)
def test_organisation_is_found_however_the_keyword_is_spelled(directory, keyword, names):
    assert _names(directory, keyword) == names


def test_keyword_combines_with_the_other_filters(directory):
    assert _names(directory, "町", prefecture="福島県") == ["磐梯町"]
    assert _names(directory, "町 磐梯") == ["磐梯町"]
    assert _names(directory, "龍ヶ崎 横瀬") == []
