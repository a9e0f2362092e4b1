"""Kawasaki's 「まちのひろば」創出職員プロジェクト in the demo, as the city's report describes
it: three fiscal years, their projects in order, members, support members and 事務局."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from cocreation.accounts.models import User
from demo.studygroups import KAWASAKI_PROGRAMME, KAWASAKI_STAFF, load_studygroups_demo
from studygroups.models import Cohort, Member, Outcome, Session, Team

pytestmark = pytest.mark.django_db

PROJECTS = {
    2019: [
        "防災空地で地域交流(町内会・自治会×防災×職員 PJT)",
        "FUSO グリーンガーデン(GG)を平間のセントラルパークに! (企業(緑地)×地域×職員 PJT)",
        "まちのこえをカタチにするプロジェクト(商農企×地域×職員 PJT)",
        "しもぬまべ共創プロジェクト(企業(公開空地)×地域×職員PJT)",
    ],
    2020: [
        "防災空地で地域交流(継続)",
        "NEC公開空地のプロジェクト(継続)",
        "鹿島田交通広場での植物を活用した交流",
    ],
    2021: [
        "ロビーを活用した多世代交流事業ふれあいプラザかわさき",
        "おためしオンライン交流会",
        "多摩川スカイブリッジフォトコンテスト&フォト交流会",
    ],
}
THEMES = {
    2019: "「まちのひろば」創出の新規モデル事業(市民創発・交流効果・持続可能性)",
    2020: "「まちのひろば with 新しい生活様式」の創出",
    2021: "公共施設の地域化、自由な形で創出するまちのひろば",
}
LECTURERS = {
    2019: ["西澤 淑恵 氏 まちの縁側育みプロジェクトながの事務局"],
    2020: [
        "山田 崇 氏 塩尻市企画政策部地方創生推進課地方創生推進係長",
        "藤本 遼 氏 株式会社ここにある 代表取締役",
        "江上 昇 氏 尼崎市職員 (元漫才師)",
    ],
    2021: ["水津 陽子 氏 合同会社フォーティ R&C 代表"],
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = False
    call_command("load_demo", verbosity=0)


def kawasaki(fiscal_year: int) -> Cohort:
    return Cohort.objects.get(programme__name=KAWASAKI_PROGRAMME, fiscal_year=fiscal_year)


@pytest.mark.parametrize(
    ("fiscal_year", "members", "support"), [(2019, 20, 0), (2020, 13, 8), (2021, 3, 7)]
)
def test_each_year_has_the_stated_members_support_members_and_secretariat(
    demo, fiscal_year, members, support
):
    cohort = kawasaki(fiscal_year)
    accepted = Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
    assert accepted.count() == Member.objects.filter(cohort=cohort).count()
    assert accepted.exclude(cohort_role=Member.CohortRole.SUPPORT).count() == members
    assert accepted.filter(cohort_role=Member.CohortRole.SUPPORT).count() == support
    assert cohort.size == members
    assert cohort.coordinators.count() == 2
    assert not accepted.filter(user__in=cohort.coordinators.all()).exists()
    assert [o.name for o in cohort.organisations.all()] == ["川崎市"]
    assert cohort.programme.organiser.local_government_code == "141305"
    assert cohort.theme == THEMES[fiscal_year]
    assert cohort.is_published
    people = User.objects.filter(
        Q(study_memberships__cohort=cohort) | Q(coordinated_cohorts=cohort)
    ).distinct()
    assert people.count() == members + support + 2
    for user in people:
        assert user.email.endswith("@kawasaki.example.jp"), user.email
        assert user.family_name_kana and user.given_name_kana


def test_the_same_two_secretariat_staff_run_every_year(demo):
    coordinators = {
        year: set(kawasaki(year).coordinators.values_list("email", flat=True)) for year in PROJECTS
    }
    assert coordinators[2019] == coordinators[2020] == coordinators[2021]
    assert "staff@kawasaki.example.jp" in coordinators[2019]


def test_2019_members_are_below_section_chief(demo):
    positions = set(Member.objects.filter(cohort=kawasaki(2019)).values_list("position", flat=True))
    assert positions <= {"課長補佐", "係長", "担当係長", "主任", "職員"}


@pytest.mark.parametrize("fiscal_year", PROJECTS)
def test_projects_are_teams_named_and_numbered_in_the_documents_order(demo, fiscal_year):
    teams = list(kawasaki(fiscal_year).teams.order_by("number"))
    assert [t.name for t in teams] == PROJECTS[fiscal_year]
    assert [t.number for t in teams] == list(range(1, len(teams) + 1))
    assert {t.field.name for t in teams} == {"まちのひろば"}
    outcomes = Outcome.objects.filter(team__in=teams).order_by("team__number")
    assert [o.proposal_title for o in outcomes] == PROJECTS[fiscal_year]
    assert all(o.summary for o in outcomes)


@pytest.mark.parametrize("fiscal_year", PROJECTS)
def test_every_project_has_exactly_one_leader_from_its_core_members(demo, fiscal_year):
    for team in Team.objects.filter(cohort=kawasaki(fiscal_year)):
        members = list(team.members.all())
        leaders = [m for m in members if m.team_role == Member.TeamRole.LEADER]
        assert len(leaders) == 1, team.name
        assert leaders[0].cohort_role != Member.CohortRole.SUPPORT
        assert sum(m.team_role == Member.TeamRole.SUB_LEADER for m in members) <= 1
        assert 2 <= len(members) <= team.max_size <= 20


def test_support_members_are_plain_team_members(demo):
    support = Member.objects.filter(
        cohort__programme__name=KAWASAKI_PROGRAMME, cohort_role=Member.CohortRole.SUPPORT
    )
    assert support.count() == 15
    assert set(support.values_list("team_role", flat=True)) <= {"", Member.TeamRole.MEMBER}


@pytest.mark.parametrize("fiscal_year", PROJECTS)
def test_lecturers_of_the_collaboration_training_and_their_lectures(demo, fiscal_year):
    cohort = kawasaki(fiscal_year)
    assert cohort.lecturers.splitlines() == LECTURERS[fiscal_year]
    lectures = Session.objects.filter(cohort=cohort, kind=Session.Kind.LECTURE)
    # R2's table row holds two trainings; 藤本 and 江上 share the second one.
    assert lectures.count() == {2019: 1, 2020: 2, 2021: 1}[fiscal_year]
    named = " ".join(lectures.values_list("lecturer", flat=True))
    for line in LECTURERS[fiscal_year]:
        assert line in named
    for lecture in lectures:
        assert (
            dt.date(fiscal_year, 4, 1) <= lecture.starts_at.date() < dt.date(fiscal_year + 1, 4, 1)
        )
        assert lecture.place == "川崎市役所" and lecture.content


def test_loading_twice_creates_nothing_new(demo, settings):
    def counts():
        return [model.objects.count() for model in (User, Cohort, Team, Member, Session, Outcome)]

    first = counts()
    call_command("load_demo", verbosity=0)
    assert load_studygroups_demo(with_passwords=False) == {"cohorts": 0}
    assert counts() == first
    assert Cohort.objects.filter(programme__name=KAWASAKI_PROGRAMME).count() == 3


def test_every_kawasaki_staff_row_is_a_distinct_user(demo):
    emails = {f"{row[0]}@kawasaki.example.jp" for row in KAWASAKI_STAFF}
    assert len(emails) == len(KAWASAKI_STAFF) == 20 + 13 + 8 + 3 + 7
    assert User.objects.filter(email__in=emails).count() == len(emails)


def test_the_archive_lists_kawasaki_projects_to_anyone(demo, client):
    page = client.get(reverse("studygroups:archive")).content.decode()
    assert "防災空地で地域交流(町内会・自治会×防災×職員 PJT)" in page
    assert "「まちのひろば」創出職員プロジェクト 令和3年度" in page
    found = client.get(reverse("studygroups:archive"), {"q": "しもぬまべ"}).content.decode()
    assert "しもぬまべ共創プロジェクト" in found
    assert "鹿島田交通広場" not in found


@pytest.mark.parametrize("fiscal_year", PROJECTS)
def test_the_secretariat_opens_each_year_and_sees_its_projects(demo, client, fiscal_year):
    cohort = kawasaki(fiscal_year)
    client.force_login(User.objects.get(email="staff@kawasaki.example.jp"))
    response = client.get(reverse("studygroups:cohort", args=[cohort.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for name in PROJECTS[fiscal_year]:
        assert name.replace("&", "&amp;") in page
    assert ("・" + str(Member.CohortRole.SUPPORT.label) in page) is (fiscal_year != 2019)


def test_the_cohort_page_counts_support_members_apart_and_leads_with_the_leader(demo, client):
    cohort = kawasaki(2020)
    client.force_login(User.objects.get(email="staff@kawasaki.example.jp"))
    response = client.get(reverse("studygroups:cohort", args=[cohort.pk]))
    page = response.content.decode()
    assert "<dt>サポートメンバー</dt><dd>8人</dd>" in page
    assert not response.context["representatives"]  # support members are not 代表・副代表
    for team in response.context["teams"]:
        roles = [m.team_role for m in team.members.all()]
        assert roles[:2] == ["leader", "sub_leader"] and set(roles[2:]) == {"member"}


def test_the_archive_filters_by_organiser_and_year(demo, client):
    url = reverse("studygroups:archive")
    kawasaki_org = kawasaki(2020).programme.organiser
    page = client.get(url, {"organiser": kawasaki_org.pk, "year": 2020}).content.decode()
    assert "鹿島田交通広場での植物を活用した交流" in page
    assert "防災空地で地域交流(町内会・自治会×防災×職員 PJT)" not in page  # 2019's name
    assert "体験型官民連携の場づくり" not in page  # Koriyama's 2020 outcome
    assert "3件の成果" in page
    page = client.get(url, {"year": 2020}).content.decode()
    assert "体験型官民連携の場づくり" in page and "鹿島田交通広場" in page
    assert client.get(url, {"organiser": "x", "year": "y", "page": "99"}).status_code == 200
