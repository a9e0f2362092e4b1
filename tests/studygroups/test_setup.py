"""Coordinators start cohorts on the site and keep their settings: who may, what is
refused (with the reason, the form kept), copying last year's structure, and two
coordinators starting the same year at the same moment."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from studygroups.models import Cohort, Deliverable, Member, Outcome, Phase, Programme, Team
from tests import factories
from tests.parallel import parallel_posts

from .conftest import make_members

START = reverse("studygroups:start")


def start_data(participants, **overrides):
    data = {
        "programme": "",
        "new_programme_name": "まちのひろば研究会",
        "organiser": participants[0].pk,
        "fiscal_year": 2021,
        "copy_previous": "on",
        "title": "まちのひろば研究会 2021",
        "theme": "公共施設の地域化",
        "size": 12,
        "age_limit": "",
        "recruitment_opens": "2021-04-01",
        "recruitment_closes": "2021-04-30",
        "organisations": [o.pk for o in participants],
        "coordinator_emails": "",
        "reviewer_emails": "",
        "lecturers": "",
    }
    data.update(overrides)
    return data


def settings_data(cohort, **overrides):
    """The settings form as the page shows it, with every saved row and no new one."""
    data = {
        "title": cohort.title,
        "theme": cohort.theme,
        "size": cohort.size,
        "age_limit": cohort.age_limit or "",
        "organisations": [o.pk for o in cohort.organisations.all()],
        "recruitment_opens": cohort.recruitment_opens or "",
        "recruitment_closes": cohort.recruitment_closes or "",
        "lecturers": cohort.lecturers,
        "coordinator_emails": "\n".join(u.email for u in cohort.coordinators.all()),
        "reviewer_emails": "",
        "programme-name": cohort.programme.name,
        "programme-description": cohort.programme.description,
    }
    if cohort.is_published:
        data["is_published"] = "on"
    rows = {
        "fields": (cohort.fields.all(), ["name", "description", "position"]),
        "phases": (cohort.phases.all(), ["name", "starts_on", "ends_on"]),
        "teams": (cohort.teams.all(), ["number", "name", "field", "max_size"]),
    }
    for prefix, (objects, names) in rows.items():
        objects = list(objects)
        data[f"{prefix}-TOTAL_FORMS"] = len(objects)
        data[f"{prefix}-INITIAL_FORMS"] = len(objects)
        for i, obj in enumerate(objects):
            data[f"{prefix}-{i}-id"] = obj.pk
            for name in names:
                value = getattr(obj, f"{name}_id" if name == "field" else name)
                data[f"{prefix}-{i}-{name}"] = value
    data.update(overrides)
    return data


def test_who_may_start_a_cohort(role_client):
    role, client = role_client
    response = client.get(START)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ("coordinator_user", "site_admin"):
        assert response.status_code == 200
        assert "研究会を始める" in response.content.decode()
    else:
        assert response.status_code == 403


def test_the_start_button_shows_only_to_those_who_may(client, staff_user, coordinator_user):
    client.force_login(staff_user)
    assert START not in client.get(reverse("studygroups:list")).content.decode()
    client.force_login(coordinator_user)
    assert START in client.get(reverse("studygroups:list")).content.decode()


def test_a_coordinator_starts_a_cohort_of_a_new_programme(
    client, coordinator_user, koriyama, tamura
):
    client.force_login(coordinator_user)
    response = client.post(START, start_data([koriyama, tamura]))
    cohort = Cohort.objects.get(title="まちのひろば研究会 2021")
    assert response.status_code == 302
    assert response["Location"] == reverse("studygroups:settings", args=[cohort.pk])
    assert cohort.programme.name == "まちのひろば研究会"
    assert cohort.programme.organiser == koriyama
    assert cohort.fiscal_year == 2021
    assert set(cohort.organisations.all()) == {koriyama, tamura}
    assert list(cohort.coordinators.all()) == [coordinator_user]
    page = client.get(response["Location"]).content.decode()
    assert "研究会を開始しました" in page


def test_a_new_cohort_copies_last_years_structure_a_year_later(client, coordinator_user, cohort):
    phase = Phase.objects.create(
        cohort=cohort,
        name="リサーチ編",
        starts_on=dt.date(2020, 4, 1),
        ends_on=dt.date(2020, 10, 31),
    )
    Deliverable.objects.create(
        cohort=cohort,
        phase=phase,
        kind="research_report",
        title="リサーチ編報告書",
        due_at=dt.datetime(2020, 10, 14, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),
    )
    client.force_login(coordinator_user)
    response = client.post(
        START,
        start_data(
            list(cohort.organisations.all()),
            programme=cohort.programme.pk,
            new_programme_name="",
            title="研究塾 2021",
        ),
    )
    assert response.status_code == 302
    new = Cohort.objects.get(programme=cohort.programme, fiscal_year=2021)
    assert [f.name for f in new.fields.all()] == ["まち", "ひと", "しごと", "DX"]
    assert [(t.number, t.field.name) for t in new.teams.all()] == [
        (1, "まち"),
        (2, "ひと"),
        (3, "しごと"),
        (4, "DX"),
    ]
    copied = new.phases.get()
    assert (copied.starts_on, copied.ends_on) == (dt.date(2021, 4, 1), dt.date(2021, 10, 31))
    deliverable = new.deliverables.get()
    assert deliverable.phase == copied
    assert deliverable.due_at.astimezone(dt.timezone(dt.timedelta(hours=9))).replace(
        tzinfo=None
    ) == dt.datetime(2021, 10, 14, 17, 0)
    assert not new.members.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"recruitment_closes": "2021-03-01"}, None, "募集締切日は募集開始日以降にしてください"),
        (
            {"new_programme_name": ""},
            "new_programme_name",
            "プログラムを選ぶか、新しいプログラム名",
        ),
        ({"organisations": []}, "organisations", "このフィールドは必須です"),
        (
            {"reviewer_emails": "nobody@nowhere.example"},
            "reviewer_emails",
            "nobody@nowhere.example を使うアカウントはありません",
        ),
        ({"fiscal_year": "令和3"}, "fiscal_year", "整数を入力してください"),
    ],
)
def test_bad_input_is_explained_and_the_form_kept(
    client, coordinator_user, koriyama, overrides, field, message
):
    client.force_login(coordinator_user)
    response = client.post(START, start_data([koriyama], **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "公共施設の地域化" in page  # what was typed is still there
    if field:
        assert message in " ".join(response.context["form"].errors[field])
    assert not Cohort.objects.exists()


def test_a_second_cohort_for_the_same_year_is_refused(client, coordinator_user, cohort):
    client.force_login(coordinator_user)
    response = client.post(
        START,
        start_data(
            list(cohort.organisations.all()),
            programme=cohort.programme.pk,
            new_programme_name="",
            fiscal_year=2020,
        ),
    )
    assert response.status_code == 200
    assert "2020年度の研究会がすでにあります" in " ".join(
        response.context["form"].errors["fiscal_year"]
    )


def test_a_coordinator_of_another_region_cannot_use_this_programme(client, cohort):
    elsewhere = factories.make_municipality(
        "横瀬町",
        "113638",
        domain="town.yokoze.example.jp",
        regions=[factories.make_region("横瀬・磐梯 共創ネットワーク", "yokoze-bandai")],
    )
    outsider = factories.make_member(
        elsewhere, role="coordinator", email="c@town.yokoze.example.jp"
    )
    client.force_login(outsider)
    response = client.post(
        START,
        start_data([elsewhere], programme=cohort.programme.pk, new_programme_name=""),
    )
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert client.get(reverse("studygroups:settings", args=[cohort.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_starts_of_the_same_year_make_one_cohort():
    koriyama = factories.make_municipality(regions=[factories.make_region()])
    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    coordinators = [
        factories.make_member(koriyama, role="coordinator", email=f"c{i}@city.koriyama.lg.jp")
        for i in range(2)
    ]
    requests = []
    for i in range(10):
        client = Client()
        client.force_login(coordinators[i % 2])
        requests.append(
            (
                client,
                START,
                start_data(
                    [koriyama], programme=programme.pk, new_programme_name="", title=f"研究塾 {i}"
                ),
            )
        )
    responses = parallel_posts(requests)
    assert sorted(r.status_code for r in responses) == [200] * 9 + [302]
    assert Cohort.objects.filter(programme=programme, fiscal_year=2021).count() == 1
    for response in responses:
        if response.status_code == 200:
            assert "2021年度の研究会がすでにあります" in response.content.decode()


def test_who_may_change_the_settings(role_client, cohort):
    role, client = role_client
    response = client.get(reverse("studygroups:settings", args=[cohort.pk]))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ("coordinator_user", "site_admin"):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_settings_add_a_field_and_a_team_and_publish_outcomes(client, coordinator_user, cohort):
    client.force_login(coordinator_user)
    url = reverse("studygroups:settings", args=[cohort.pk])
    data = settings_data(
        cohort,
        **{
            "fields-TOTAL_FORMS": 5,
            "fields-4-name": "防災",
            "fields-4-position": 5,
            "is_published": "on",
        },
    )
    assert client.post(url, data).status_code == 302
    disaster = cohort.fields.get(name="防災")
    cohort.refresh_from_db()
    data = settings_data(
        cohort,
        **{
            "teams-TOTAL_FORMS": 5,
            "teams-4-number": 5,
            "teams-4-name": "防災空地で地域交流",
            "teams-4-field": disaster.pk,
            "teams-4-max_size": 8,
        },
    )
    assert client.post(url, data).status_code == 302
    team = cohort.teams.get(number=5)
    assert (team.name, team.field, team.max_size) == ("防災空地で地域交流", disaster, 8)
    cohort.refresh_from_db()
    assert cohort.is_published
    Outcome.objects.create(team=team, proposal_title="防災空地の交流拠点", summary="空地で交流")
    assert "防災空地の交流拠点" in client.get(reverse("studygroups:archive")).content.decode()


def test_settings_refuse_removing_what_is_in_use(client, coordinator_user, cohort, koriyama):
    client.force_login(coordinator_user)
    url = reverse("studygroups:settings", args=[cohort.pk])
    team = cohort.teams.get(number=1)
    member = make_members(cohort, koriyama, 1)[0]
    Member.objects.filter(pk=member.pk).update(team=team, team_role="member")

    response = client.post(url, settings_data(cohort, **{"fields-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "分野「まち」には班があります" in response.content.decode()
    response = client.post(url, settings_data(cohort, **{"teams-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "メンバーまたは報告があるため削除できません" in response.content.decode()
    assert cohort.fields.count() == 4 and cohort.teams.count() == 4


def test_a_team_cannot_shrink_below_its_members(client, coordinator_user, cohort, koriyama):
    client.force_login(coordinator_user)
    team = cohort.teams.get(number=1)
    for member in make_members(cohort, koriyama, 3):
        Member.objects.filter(pk=member.pk).update(team=team, team_role="member")
    url = reverse("studygroups:settings", args=[cohort.pk])
    response = client.post(url, settings_data(cohort, **{"teams-0-max_size": 2}), follow=True)
    assert "すでに3人のメンバーがいるため" in response.content.decode()
    assert Team.objects.get(pk=team.pk).max_size == 6


def test_the_list_shows_each_role_only_the_cohorts_it_can_open(role_client, cohort):
    role, client = role_client
    response = client.get(reverse("studygroups:list"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    listed = "研究塾 2020" in response.content.decode()
    assert listed is (role in ("staff_user", "coordinator_user", "site_admin"))
    if listed:
        assert client.get(reverse("studygroups:cohort", args=[cohort.pk])).status_code == 200


def test_a_company_lecturer_who_reviews_sees_that_cohort(client, company_user, cohort):
    cohort.reviewers.add(company_user)
    client.force_login(company_user)
    assert "研究塾 2020" in client.get(reverse("studygroups:list")).content.decode()
    assert client.get(reverse("studygroups:cohort", args=[cohort.pk])).status_code == 200


def test_members_csv_for_the_secretariats_report(role_client, cohort, koriyama):
    from studygroups.services.teams import member_assign_team

    coordinator = cohort.coordinators.get()
    team = cohort.teams.get(number=3)
    member, leader = make_members(cohort, koriyama, 2)
    member_assign_team(member=member, team=team, role="member", user=coordinator)
    member_assign_team(member=leader, team=team, role="leader", user=coordinator)
    role, client = role_client
    response = client.get(reverse("studygroups:members_csv", args=[cohort.pk]))
    if role not in ("coordinator_user", "site_admin"):
        assert response.status_code in (302, 403)
        return
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff氏名,ふりがな,自治体,所属,職名,メールアドレス,班,")
    rows = text.splitlines()[1:]
    assert len(rows) == 2
    assert rows[0].startswith(leader.user.display_name) and ",3班（しごと）,班長," in rows[0]
    assert rows[1].startswith(member.user.display_name) and ",メンバー," in rows[1]


def test_schedule_shows_a_members_team_from_today_by_default_and_filters(
    client, cohort, koriyama, coordinator_user
):
    from django.utils import timezone

    from studygroups.models import Session
    from studygroups.services.teams import member_assign_team

    team1, team2 = cohort.teams.get(number=1), cohort.teams.get(number=2)
    [member] = make_members(cohort, koriyama, 1)
    member_assign_team(member=member, team=team1, role="member", user=coordinator_user)
    now = timezone.now()
    for title, team, days in [
        ("1班 次回", team1, 3),
        ("2班 次回", team2, 3),
        ("全体会 次回", None, 10),
        ("1班 前回", team1, -4),
    ]:
        start = now + dt.timedelta(days=days)
        Session.objects.create(
            cohort=cohort,
            team=team,
            kind="team_meeting",
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
    url = reverse("studygroups:schedule", args=[cohort.pk])
    client.force_login(member.user)
    page = client.get(url).content.decode()
    assert "1班 次回" in page and "全体会 次回" in page
    assert "2班 次回" not in page and "1班 前回" not in page
    page = client.get(url, {"team": "", "period": "all"}).content.decode()
    assert all(t in page for t in ("1班 次回", "2班 次回", "全体会 次回", "1班 前回"))
    page = client.get(url, {"team": "cohort", "period": "all"}).content.decode()
    assert "全体会 次回" in page and "1班 次回" not in page
    page = client.get(url, {"team": str(team1.pk), "period": "past"}).content.decode()
    assert "1班 前回" in page and "1班 次回" not in page
    assert client.get(url, {"team": "bogus", "period": "x"}).status_code == 200


def test_the_organisers_coordinator_renames_the_programme_others_cannot(
    client, coordinator_user, cohort, tamura
):
    url = reverse("studygroups:settings", args=[cohort.pk])
    Programme.objects.create(name="まちづくり研究会", organiser=tamura)
    client.force_login(coordinator_user)
    response = client.post(url, settings_data(cohort, **{"programme-name": "まちづくり研究会"}))
    assert response.status_code == 200
    assert "programme-name" in response.content.decode()
    assert response.context["programme_form"].errors["name"]
    assert '<label for="id_programme-name">プログラム名' in response.content.decode()
    data = settings_data(cohort, **{"programme-name": "チャレンジ「新発想」研究塾（広域）"})
    assert client.post(url, data).status_code == 302
    assert (
        Programme.objects.get(pk=cohort.programme_id).name == "チャレンジ「新発想」研究塾（広域）"
    )

    # A coordinator listed on this cohort only, from a town outside the region.
    elsewhere = factories.make_municipality("横瀬町", "113611", domain="town.yokoze.example.jp")
    guest = factories.make_member(elsewhere, role="coordinator", email="g@town.yokoze.example.jp")
    cohort.coordinators.add(guest)
    client.force_login(guest)
    response = client.get(url)
    assert response.status_code == 200 and response.context["programme_form"] is None
    client.post(url, settings_data(cohort, **{"programme-name": "乗っ取り"}))
    assert (
        Programme.objects.get(pk=cohort.programme_id).name == "チャレンジ「新発想」研究塾（広域）"
    )


def test_the_apply_button_shows_only_while_applications_are_open(client, cohort, staff_user):
    from django.utils import timezone

    client.force_login(staff_user)
    url = reverse("studygroups:cohort", args=[cohort.pk])
    apply_url = reverse("studygroups:apply", args=[cohort.pk])
    assert apply_url not in client.get(url).content.decode()  # the 2020 window has closed
    assert "募集中" not in client.get(reverse("studygroups:list")).content.decode()
    today = timezone.localdate()
    Cohort.objects.filter(pk=cohort.pk).update(
        recruitment_opens=today - dt.timedelta(days=1), recruitment_closes=today
    )
    assert apply_url in client.get(url).content.decode()
    assert "募集中" in client.get(reverse("studygroups:list")).content.decode()
    client.force_login(cohort.coordinators.get())  # its coordinator is not an applicant
    assert apply_url not in client.get(url).content.decode()


def test_the_apply_page_states_who_may_apply(client, cohort, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("studygroups:apply", args=[cohort.pk])).content.decode()
    assert "2020年4月1日(水)時点で35歳以下" in html
    assert "2020年5月1日(金)〜2020年6月15日(月)" in html
    assert "田村市" in html
