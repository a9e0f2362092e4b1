"""Finding quests: keyword as people type it, filters, sort, pages, fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quests.models import Quest, SdgTarget, Theme
from tests import factories
from tests.quests import factories as qf

pytestmark = pytest.mark.django_db


def _titles(client, query: str = "") -> list[str]:
    response = client.get(reverse("quests:list") + query)
    assert response.status_code == 200
    return [quest.title for quest in response.context["page"].object_list]


@pytest.fixture
def quests(koriyama, tamura, region):
    food = qf.make_quest(koriyama, title="食品ロス削減に向けての新事業の検討及び試行")
    dx = qf.make_quest(
        tamura,
        title="窓口のオンライン化",
        summary="ＤＸで書かない窓口を実現する",
        background="マイナンバーカードの活用",
        outcome_sought="待ち時間の短縮",
        deadline_in_days=3,
    )
    dx.themes.set(Theme.objects.filter(slug="dx"))
    dx.sdg_targets.set(SdgTarget.objects.filter(code="16.6"))
    closed = qf.make_quest(
        koriyama,
        title="観光パンフレットの刷新",
        state=Quest.State.SELECTING,
        summary="観光客向けの案内を見直す",
        background="情報が古い",
        affected="",
        tried="",
        outcome_sought="来訪者の満足度向上",
    )
    return food, dx, closed


def test_keyword_matches_partial_words(client, quests):
    assert _titles(client, "?q=ロス") == ["食品ロス削減に向けての新事業の検討及び試行"]
    assert _titles(client, "?q=オンライン") == ["窓口のオンライン化"]


def test_keyword_searches_the_issue_text_too(client, quests):
    assert _titles(client, "?q=マイナンバー") == ["窓口のオンライン化"]


def test_full_and_half_width_and_kana_agree(client, quests):
    # "DX" typed half-width finds "ＤＸ" stored full-width; hiragana finds katakana.
    assert _titles(client, "?q=dx") == ["窓口のオンライン化"]
    assert _titles(client, "?q=ろす") == ["食品ロス削減に向けての新事業の検討及び試行"]


def test_several_keywords_must_all_match(client, quests):
    assert _titles(client, "?q=窓口%E3%80%80待ち時間") == ["窓口のオンライン化"]
    assert _titles(client, "?q=窓口 食品") == []


def test_filters_combine_and_stay_filled(client, quests, tamura):
    dx_theme = Theme.objects.get(slug="dx")
    response = client.get(reverse("quests:list"), {"theme": dx_theme.pk, "host": tamura.name})
    assert [q.title for q in response.context["page"].object_list] == ["窓口のオンライン化"]
    html = response.content.decode()
    assert f'value="{dx_theme.pk}" id="id_theme_' in html and "checked" in html
    assert f'name="host" value="{tamura.name}"' in html


def test_municipality_is_named_by_name_reading_or_code(client, quests, tamura):
    """The municipality filter is a text box (a list of 1,741 would not do): the name, the
    beginning of the 地方公共団体コード, and the prefecture all find the host's quests."""
    for value in (tamura.name, tamura.local_government_code, tamura.local_government_code[:5]):
        assert _titles(client, f"?host={value}") == ["窓口のオンライン化"], value
    assert _titles(client, "?host=存在しない村") == []
    assert "窓口のオンライン化" in _titles(client, f"?prefecture={tamura.prefecture}")
    html = client.get(reverse("quests:list")).content.decode()
    assert '<select name="host"' not in html and 'id="id_host_helptext"' in html


def test_sdg_goal_and_target_filters(client, quests):
    goal = SdgTarget.objects.get(code="16.6").goal
    assert _titles(client, f"?sdg={goal.pk}") == ["窓口のオンライン化"]
    assert _titles(client, "?target=16.6") == ["窓口のオンライン化"]


def test_accepting_now_and_state(client, quests):
    assert "観光パンフレットの刷新" not in _titles(client, "?accepting=on")
    assert _titles(client, "?state=selecting") == ["観光パンフレットの刷新"]


def test_region_filter(client, quests, region):
    far = factories.make_municipality("横瀬町", "113611", domain="yokoze.example.jp")
    qf.make_quest(far, title="よこらぼの新しい提案")
    titles = _titles(client, f"?region={region.pk}")
    assert "よこらぼの新しい提案" not in titles and len(titles) == 3


def test_sort_by_deadline(client, quests):
    assert _titles(client, "?sort=deadline")[0] == "窓口のオンライン化"


def test_without_a_chosen_order_the_newest_come_first_and_the_form_says_so(client, quests):
    from quests.models import Quest

    newest = Quest.objects.exclude(state="draft").order_by("-created_at", "-id").first()
    assert _titles(client, "")[0] == newest.title
    html = client.get(reverse("quests:list")).content.decode()
    assert '<option value="-created" selected>' in html


def test_pagination_keeps_the_filter(client, koriyama):
    for n in range(25):
        qf.make_quest(koriyama, title=f"防災クエスト{n}")
    html = client.get(reverse("quests:list") + "?q=防災").content.decode()
    assert "q=%E9%98%B2%E7%81%BD&amp;page=2" in html
    assert len(_titles(client, "?q=防災&page=2")) == 5


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(koriyama, tamura, n):
    themes = list(Theme.objects.all()[:3])
    targets = list(SdgTarget.objects.all()[:3])
    for i in range(n):
        quest = qf.make_quest(koriyama if i % 2 else tamura, title=f"クエスト{i}")
        quest.themes.set(themes)
        quest.sdg_targets.set(targets)
        quest.co_hosts.create(organisation=tamura if i % 2 else koriyama)


# Queries of (the list, a quest's page), whatever the number of quests, themes, co-hosts and
# team members: the session, user and memberships come first for signed-in people; staff
# also see the team's side of the quest page (team, proposals to review, transitions);
# companies, whether they already have a proposal (offered instead of a second one). The
# quest's page reads its selection stages too (the timeline, issue 13).
CEILINGS = {"anonymous": (9, 11), "staff_user": (15, 20), "company_user": (15, 18)}


@pytest.mark.parametrize("role", ["anonymous", "staff_user", "company_user"])
def test_list_and_detail_query_counts_do_not_grow(request, client, koriyama, tamura, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    _grow(koriyama, tamura, 5)
    first = Quest.objects.order_by("pk").first()
    detail = reverse("quests:detail", args=[first.pk])
    few = (_queries(client, reverse("quests:list")), _queries(client, detail))
    _grow(koriyama, tamura, 45)
    staff = [factories.make_member(tamura, email=f"t{i}@city.tamura.example.jp") for i in range(5)]
    for person in staff:
        qf.add_to_team(first, person, tamura)
    many = (_queries(client, reverse("quests:list")), _queries(client, detail))
    assert many == few
    assert few[0] <= CEILINGS[role][0] and few[1] <= CEILINGS[role][1], few


def test_deadline_is_shown_as_people_in_japan_read_it(client, koriyama):
    quest = qf.make_quest(koriyama, deadline_in_days=None)
    Quest.objects.filter(pk=quest.pk).update(proposal_deadline=timezone.datetime(2020, 12, 18))
    assert "2020年12月18日(金)" in client.get(reverse("quests:list")).content.decode()
    assert timedelta  # the module's other tests use relative deadlines


def test_staff_filter_the_quests_whose_team_they_are_on(client, koriyama, tamura):
    mine = qf.make_quest(koriyama, title="自分のチームのクエスト")
    qf.make_quest(tamura, title="他のクエスト")
    staff = factories.make_member(koriyama, email="mine@city.koriyama.lg.jp")
    qf.add_to_team(mine, staff, koriyama)
    client.force_login(staff)
    assert _titles(client, "?mine=on") == ["自分のチームのクエスト"]
    assert len(_titles(client, "")) == 2
    client.logout()  # anonymous people have no team: the box is not offered
    assert 'name="mine"' not in client.get(reverse("quests:list")).content.decode()
    assert len(_titles(client, "?mine=on")) == 2


def test_the_count_stops_at_the_cap_and_says_there_are_more(client, quests, monkeypatch, settings):
    """The list counts at most LIST_COUNT_CAP quests (a COUNT over a LIMIT), so its cost
    does not grow with 10,000 quests; past the cap it says more match and to narrow down."""
    from quests.views import quests as views

    settings.PAGE_CACHE_SECONDS = 0
    everything = _titles(client, "?page=1")
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 2)
    response = client.get(reverse("quests:list"))
    assert response.context["page"].paginator.count == 2
    assert response.context["page"].paginator.capped
    assert "最初の2件を表示しています" in response.content.decode()
    monkeypatch.setattr(views, "LIST_COUNT_CAP", len(everything))
    response = client.get(reverse("quests:list"))
    assert not response.context["page"].paginator.capped
    assert f"{len(everything)}件" in response.content.decode()
