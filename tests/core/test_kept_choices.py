"""Reference-data choice lists read from the pages' cache (cocreation.core.choices, issue
12): the quest list's filter form built a model instance per SDG target, goal, theme and
region (about 270 at national size) and queried them on every request; now a second view
reads none of those tables, and a change to them shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.organisations.models import Region
from quests.models import SdgTarget, Theme
from tests import factories

pytestmark = pytest.mark.django_db

# A choice list's own query reads the table alone; the cards' prefetches of a quest's
# themes or a host's regions start from the relation and stay.
# A choice list's own query reads the table alone; the cards' prefetches of a quest's
# themes or a host's regions start from the relation and are not counted.
REFERENCE_TABLES = (
    '"quests_theme"',
    '"quests_sdggoal"',
    '"quests_sdgtarget"',
    '"organisations_region"',
)


def _tables_read(client, url) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return {t for t in REFERENCE_TABLES for q in queries if q["sql"].startswith(f"SELECT {t}.")}


def test_the_quest_list_reads_no_reference_table_on_a_second_view(client, staff_user):
    client.force_login(staff_user)
    url = reverse("quests:list")
    client.get(url)
    assert _tables_read(client, url) == set()
    page = client.get(url).content.decode()
    # Every SDG target is still offered, by code.
    assert page.count('<option value="') >= SdgTarget.objects.count()
    assert '<option value="8.3"' in page


def test_the_directory_reads_no_region_on_a_second_view(client, staff_user, region):
    client.force_login(staff_user)
    url = reverse("organisations:list")
    client.get(url)
    assert _tables_read(client, url) == set()
    assert region.name in client.get(url).content.decode()


def test_a_new_theme_or_region_is_offered_at_once(client, staff_user, region):
    client.force_login(staff_user)
    quests, directory = reverse("quests:list"), reverse("organisations:list")
    client.get(quests), client.get(directory)
    theme = Theme.objects.create(name="防災テスト", name_en="Disaster test", slug="bousai-test")
    new_region = factories.make_region("いわき広域圏", "iwaki-wide-area")
    page = client.get(quests).content.decode()
    assert f'value="{theme.pk}"' in page and "防災テスト" in page
    assert "いわき広域圏" in page
    Region.objects.filter(pk=new_region.pk).delete()
    assert "いわき広域圏" not in client.get(directory).content.decode()


def test_each_language_gets_its_own_labels(client, staff_user):
    client.force_login(staff_user)
    url = reverse("quests:list")
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    staff_user.preferred_language = "en"
    staff_user.save(update_fields=["preferred_language"])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    theme = Theme.objects.order_by("order").first()
    assert theme.name in japanese and theme.name_en in english
    assert theme.name_en not in japanese.split('role="search"')[1].split("</form>")[0]


def test_a_submitted_value_is_still_checked_against_the_table(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("quests:list"), {"target": "99.9", "theme": "999999"})
    assert page.status_code == 200
    # Refused values are left out and the page says so (QuestFilter.understood).
    said = page.content.decode()
    assert "SDGsターゲット" in said and "テーマ" in said and "left out" not in said


def test_the_following_page_reads_no_choice_list_on_a_second_view(client, company_user):
    """Its forms offered every theme, SDG target and network, read on every view (and
    every municipality, 1,741 at national size, until they were typed instead)."""
    client.force_login(company_user)
    url = reverse("quests:following")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    listed = [
        q["sql"]
        for q in queries
        if q["sql"].startswith(
            'SELECT "organisations_organisation"."id", "organisations_organisation"."name"'
        )
    ]
    assert _tables_read(client, url) == set() and not listed
    network = factories.make_region("新しい連携", "new-network")
    assert f'value="{network.pk}"' in client.get(url).content.decode()


def test_a_kept_list_follows_the_areas_its_model_is_registered_under():
    """The areas come from the apps' `invalidates` calls, never typed twice; a model no
    area names cannot have its choices kept (they would never be forgotten)."""
    from django.core.exceptions import ImproperlyConfigured

    from cocreation.core.page_cache import DIRECTORY, QUESTS, areas_of
    from quests.models import Follow

    assert areas_of(Theme) == (QUESTS,) and areas_of(Region) == (DIRECTORY,)
    with pytest.raises(ImproperlyConfigured):
        areas_of(Follow)
