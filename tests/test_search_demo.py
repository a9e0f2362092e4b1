"""The demo data searched as people type it (issue 10 B7): each search of the portal (quest
list, outcome archive, organisations directory) finds the demo's own words however their
place-name marks, long vowels and readings are typed."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cocreation.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = False
    call_command("load_demo", verbosity=0)


def test_the_demo_is_found_however_its_words_are_typed(client, demo):
    def listed(url_name, keyword, attribute):
        response = client.get(reverse(url_name), {"q": keyword})
        assert response.status_code == 200
        return [getattr(row, attribute) for row in response.context["page"].object_list]

    # Yokoze's quest names 芦ヶ久保; people also write 芦ケ久保 and 芦が久保.
    yokoze = ["観光客の回遊データを活用した町なかのにぎわいづくり"]
    assert listed("quests:list", "芦ケ久保", "title") == yokoze
    assert listed("quests:list", "芦が久保", "title") == yokoze
    # Kawasaki's outcome, with a wave dash and a minus sign typed for the long vowels.
    fuso = listed("studygroups:archive", "グリ〜ンガ−デン", "proposal_title")
    assert fuso == [
        "FUSO グリーンガーデン(GG)を平間のセントラルパークに! (企業(緑地)×地域×職員 PJT)"
    ]
    # The directory, by readings typed in hiragana (stored in katakana).
    client.force_login(User.objects.get(email="staff@city.koriyama.lg.jp"))
    assert listed("organisations:list", "ばんだいまち", "name") == ["磐梯町"]
    assert listed("organisations:list", "よこぜ", "name") == ["横瀬町"]
