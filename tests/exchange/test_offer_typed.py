"""A site administrator manages every municipality: the placement offer then asked them
to pick a host among 1,741, a room among every active space and a mentor among every
member of staff in the country (3.6 MB, 2.3 s at national size). Long lists are typed
instead: the host by name or code, the room by its name, the mentor by e-mail address,
each checked against the host (issue 12)."""

import pytest
from django.urls import reverse

from cocreation.organisations import forms as organisation_forms
from studygroups.exchange.forms import placements as placement_forms
from studygroups.exchange.models import Placement

from .conftest import FIRST, LAST

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_lists(monkeypatch):
    """Every list counts as longer than a select holds, as at national size."""
    monkeypatch.setattr(organisation_forms, "SELECT_MAX", 0)
    monkeypatch.setattr(placement_forms, "SELECT_MAX", 0)


def _offer(**changes) -> dict:
    data = {
        "host": "横瀬町",
        "department": "まち経営課",
        "title": "よこらぼ運営事務局の実務を学ぶ",
        "work": "提案の受付と審査会の準備に加わる。",
        "starts_on": FIRST.isoformat(),
        "ends_on": LAST.isoformat(),
        "days_per_week": 2,
        "mode": Placement.Mode.MIXED,
        "room": "横瀬町 まちなか共創ルーム",
        "mentor": "asami@yokoze.example.jp",
    }
    data.update(changes)
    return data


def test_a_site_admin_types_host_room_and_mentor(
    client, site_admin, yokoze, bandai, room, mentor, long_lists
):
    client.force_login(site_admin)
    page = client.get(reverse("exchange:offer")).content.decode()
    for name in ("host", "room"):
        assert f'type="text" name="{name}"' in page
    assert 'type="email" name="mentor"' in page
    assert "<option" not in page.split("<main", 1)[1].split("language-select")[0]
    response = client.post(reverse("exchange:offer"), _offer(mentor="ASAMI@yokoze.example.jp"))
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert (placement.host, placement.room, placement.mentor) == (yokoze, room, mentor)


@pytest.mark.parametrize(
    "change, field, message",
    [
        (
            {"room": "磐梯町の会議室"},
            "room",
            "横瀬町が運営する部屋に「磐梯町の会議室」はありません。",
        ),
        (
            {"mentor": "hoshi@bandai.example.jp"},
            "mentor",
            "横瀬町に所属する人で、メールアドレスがhoshi@bandai.example.jpの人はいません。",
        ),
        ({"host": "横瀬"}, None, None),  # part of one name: found
        ({"host": "火星町"}, "host", "「火星町」という市区町村は見つかりません。"),
    ],
)
def test_a_typed_room_or_mentor_of_another_host_is_refused_beside_it(
    client, site_admin, yokoze, bandai, room, mentor, guest, long_lists, change, field, message
):
    client.force_login(site_admin)
    response = client.post(reverse("exchange:offer"), _offer(**change))
    if field is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(e.startswith(message) for e in errors), errors
    assert f'value="{_offer(**change)[field]}"' in response.content.decode()
    assert not Placement.objects.exists()


def test_a_municipality_admin_still_chooses_from_short_selects(
    client, yokoze_admin, yokoze, room, mentor
):
    client.force_login(yokoze_admin)
    page = client.get(reverse("exchange:offer")).content.decode()
    assert f'<option value="{room.pk}">' in page and f'<option value="{mentor.pk}">' in page
    assert f'<option value="{yokoze.pk}" selected>横瀬町</option>' in page


def test_the_offer_starts_on_the_municipality_the_person_works_for(
    client, coordinator_user, koriyama, tamura, region, yokoze
):
    yokoze.regions.add(region)
    client.force_login(coordinator_user)
    page = client.get(reverse("exchange:offer")).content.decode()
    assert f'<option value="{koriyama.pk}" selected>' in page
    assert f'<option value="{tamura.pk}">' in page
