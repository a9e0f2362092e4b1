"""A list of organisations longer than a select holds (`SELECT_MAX`, 50) is typed, not
offered option by option (issue 12). A site administrator may host a quest for, start a
cohort of, invite to a cohort or offer a placement at any of 1,741 municipalities: those
forms rendered every one of them (the placement offer 3.6 MB and 2.3 s at national size).
Short lists stay selects and checkboxes."""

import pytest
from django.urls import reverse

from cocreation.organisations import forms as organisation_forms
from cocreation.organisations.models import Organisation
from quests.models import Quest
from studygroups.models import Cohort
from tests import factories
from tests.quests.factories import quest_form_data
from tests.studygroups.test_setup import START, settings_data, start_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_municipalities(db):
    """51 more municipalities than the demo's, as a national deployment has 1,741."""
    Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.MUNICIPALITY,
            name=f"試験{n}村",
            prefecture="北海道",
            local_government_code=f"01{n:03d}0",
        )
        for n in range(organisation_forms.SELECT_MAX + 1)
    )


@pytest.fixture
def date_twins(db):
    """The two 伊達市, which share a name and differ by prefecture and code."""
    factories.make_municipality("伊達市", "012335", domain="", prefecture="北海道")
    return factories.make_municipality("伊達市", "072133", domain="")


def test_a_site_admin_types_the_host_of_a_quest(
    client, site_admin, koriyama, many_municipalities, date_twins
):
    client.force_login(site_admin)
    page = client.get(reverse("quests:create")).content.decode()
    assert "試験0村</option>" not in page
    assert 'type="text" name="host"' in page
    response = client.post(reverse("quests:create"), quest_form_data("伊達市"))
    assert response.status_code == 200
    [error] = response.context["form"].errors["host"]
    assert "北海道伊達市 (012335)" in error and "福島県伊達市 (072133)" in error
    assert 'value="伊達市"' in response.content.decode()
    response = client.post(reverse("quests:create"), quest_form_data("072133"))
    assert response.status_code == 302
    quest = Quest.objects.get()
    assert quest.host == date_twins
    # Once open, the host is fixed: the typed field shows it, disabled, and keeps it.
    quest.state = Quest.State.OPEN
    quest.save()
    edit = client.get(reverse("quests:edit", args=[quest.pk])).content.decode()
    assert 'value="福島県伊達市 (072133)"' in edit and "disabled" in edit
    response = client.post(
        reverse("quests:edit", args=[quest.pk]), quest_form_data("郡山市", title="新しい題")
    )
    assert response.status_code == 302
    quest.refresh_from_db()
    assert quest.host == date_twins and quest.title == "新しい題"


def test_staff_choose_their_host_from_a_short_select(
    client, staff_user, koriyama, many_municipalities
):
    client.force_login(staff_user)
    page = client.get(reverse("quests:create")).content.decode()
    assert f'<option value="{koriyama.pk}" selected>郡山市</option>' in page
    assert "試験0村" not in page


def test_a_coordinator_of_a_large_network_types_a_host_but_only_one_of_theirs(
    client, coordinator_user, koriyama, tamura, monkeypatch
):
    monkeypatch.setattr(organisation_forms, "SELECT_MAX", 1)
    outsider = factories.make_municipality("須賀川市", "072079", domain="")
    client.force_login(coordinator_user)
    page = client.get(reverse("quests:create")).content.decode()
    assert 'type="text" name="host"' in page
    response = client.post(
        reverse("quests:create"), quest_form_data(outsider.local_government_code)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["host"] == [
        "「072079」は、ここで選べる市区町村ではありません。"
    ]
    response = client.post(reverse("quests:create"), quest_form_data("田村市"))
    assert response.status_code == 302
    assert Quest.objects.get().host == tamura


def test_a_site_admin_types_the_organiser_and_participants_of_a_cohort(
    client, site_admin, koriyama, tamura, company, many_municipalities
):
    client.force_login(site_admin)
    page = client.get(START).content.decode()
    assert "試験0村" not in page and "株式会社フードシェア福島</option>" not in page
    response = client.post(
        START,
        start_data(
            [koriyama],
            organiser="株式会社フードシェア福島",
            organisations="郡山市、072117",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    cohort = Cohort.objects.get()
    assert cohort.programme.organiser == company
    assert set(cohort.organisations.all()) == {koriyama, tamura}
    settings_page = client.get(reverse("studygroups:settings", args=[cohort.pk]))
    assert 'value="福島県田村市 (072117)、福島県郡山市 (072036)"' in settings_page.content.decode()
    response = client.post(
        reverse("studygroups:settings", args=[cohort.pk]),
        settings_data(cohort, organisations="郡山市、火星市"),
    )
    assert response.status_code == 200
    assert "「火星市」という市区町村は見つかりません" in response.content.decode()
    assert set(cohort.organisations.all()) == {koriyama, tamura}


def test_a_coordinator_of_a_small_region_ticks_participants(
    client, coordinator_user, koriyama, tamura, many_municipalities
):
    client.force_login(coordinator_user)
    page = client.get(START).content.decode()
    assert 'type="checkbox" name="organisations"' in page
    assert "試験0村" not in page
