"""Pages run a fixed number of queries however much data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.organisations.models import Membership, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def _grow(n, region, start=0):
    for i in range(start, start + n):
        org = Organisation.objects.create(kind="company", name=f"株式会社テスト{i:04d}")
        org.regions.add(region)
        Membership.objects.create(
            user=factories.make_user(f"grow{i}-{org.pk}@example.com"),
            organisation=org,
            status="active",
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name", ["organisations:list", "organisations:detail", "organisations:requests"]
)
def test_organisation_pages_do_not_grow_with_data(client, coordinator_user, koriyama, url_name):
    region = koriyama.regions.get()
    url = (
        reverse(url_name, args=[koriyama.pk])
        if url_name == "organisations:detail"
        else reverse(url_name)
    )
    client.force_login(coordinator_user)
    _grow(5, region)
    for i in range(3):
        factories.make_member(koriyama, email=f"small{i}@city.koriyama.lg.jp", status="pending")
    small = _count(client, url)
    _grow(45, region, start=5)
    for i in range(30):
        factories.make_member(koriyama, email=f"big{i}@city.koriyama.lg.jp", status="pending")
    large = _count(client, url)
    assert large == small, (small, large)
    assert small <= 16


def test_directory_and_region_page_count_only_active_members(client, staff_user, koriyama):
    for i in range(3):
        factories.make_member(koriyama, email=f"active{i}@city.koriyama.lg.jp")
    factories.make_member(koriyama, email="waiting@city.koriyama.lg.jp", status="pending")
    client.force_login(staff_user)
    for url in (
        reverse("organisations:list"),
        reverse("organisations:region", args=[koriyama.regions.get().slug]),
    ):
        page = client.get(url)
        rows = (
            {o.name: o.member_count for o in page.context["page"].object_list}
            if ("page" in page.context)
            else {o.name: o.member_count for o in page.context["organisations"]}
        )
        assert rows["郡山市"] == 4  # the staff user and three more; the pending one is not counted
