"""Issue 11: the spaces' visibility rule is a queryset (`permissions.visible_spaces_q`), so
a coordinator's every page (the header counts the requests waiting for them) and the space
list cost the same number of queries with 2 spaces as with 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spaces import permissions
from spaces.models import Booking, Space
from spaces.selectors.approval import pending_approval_count
from tests import factories
from tests.quests.factories import add_to_team, make_quest
from tests.spaces.conftest import at, make_space

pytestmark = pytest.mark.django_db


def _add_spaces(host, region, count: int, *, start: int = 0) -> list[Space]:
    return [
        make_space(host, name=f"共創ルーム{n:03d}", regions=[region])
        for n in range(start, start + count)
    ]


def _request(space: Space, booker, day: int) -> Booking:
    """A whole-room request waiting for approval (made directly: the count is the point)."""
    return Booking.objects.create(
        space=space,
        user=booker,
        kind=Booking.Kind.WHOLE_ROOM,
        status=Booking.Status.PENDING,
        starts_at=at(2020, 12, day, 10),
        ends_at=at(2020, 12, day, 12),
        purpose="説明会",
    )


def _queries(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.fixture
def tamura_coordinator(tamura):
    """Coordinates the region's spaces through their host's region, not by name."""
    return factories.make_member(
        tamura, role="coordinator", email="coordinator@city.tamura.example.jp", family="田村"
    )


@pytest.mark.parametrize("page", ["notifications:list", "home", "spaces:list"])
@pytest.mark.parametrize("who", ["coordinator_user", "tamura_coordinator"])
def test_a_coordinators_page_costs_the_same_with_2_and_100_spaces(
    client, request, koriyama, region, staff_user, page, who
):
    coordinator = request.getfixturevalue(who)
    url = reverse(page)
    first = _add_spaces(koriyama, region, 2)
    _request(first[0], staff_user, 18)
    client.force_login(coordinator)
    client.get(url)  # the session and the language settle on the first page
    few, response = _queries(client, url)
    assert response.context["pending_space_approvals"] == 1
    more = _add_spaces(koriyama, region, 98, start=2)
    _request(more[-1], staff_user, 22)
    many, response = _queries(client, url)
    assert response.context["pending_space_approvals"] == 2
    assert many == few
    if page == "spaces:list":
        # A page of 30 of the 100, and the links to the others.
        assert len(response.context["spaces"]) == 30
        assert response.context["page"].paginator.count == 100


def test_a_bookers_space_list_costs_the_same_with_2_and_100_spaces(
    client, koriyama, region, staff_user
):
    _add_spaces(koriyama, region, 2)
    client.force_login(staff_user)
    url = reverse("spaces:list")
    client.get(url)
    few, response = _queries(client, url)
    assert len(response.context["spaces"]) == 2
    _add_spaces(koriyama, region, 98, start=2)
    many, response = _queries(client, url)
    assert len(response.context["spaces"]) == 30
    assert many == few
    last, response = _queries(client, url + "?page=4")
    assert [s.name for s in response.context["spaces"]] == [
        f"共創ルーム{n:03d}" for n in range(90, 100)
    ]
    assert last == few
    assert 'rel="prev"' in response.content.decode()


def test_the_queryset_rule_agrees_with_the_per_space_rule(
    koriyama, tamura, region, staff_user, coordinator_user, company_user
):
    """visible_spaces_q / coordinated_spaces_q list exactly the spaces can_view_space /
    can_coordinate allow, for every kind of user and space."""
    other_region = factories.make_region("会津地域", "aizu")
    aizu = factories.make_municipality(
        "会津若松市", "072028", domain="city.aizuwakamatsu.example.jp", regions=[other_region]
    )
    aizu_staff = factories.make_member(aizu, email="staff@city.aizuwakamatsu.example.jp")
    named = factories.make_member(aizu, email="named@city.aizuwakamatsu.example.jp")
    admin = factories.make_user(email="admin@portal.example.jp", is_staff=True)
    in_region = make_space(koriyama, name="地域のルーム", regions=[region])
    by_organisation = make_space(aizu, name="会津のルーム")
    by_organisation.allowed_organisations.set([koriyama])
    closed = make_space(koriyama, name="休止中のルーム", regions=[region], is_active=False)
    elsewhere = make_space(aizu, name="会津だけのルーム", regions=[other_region])
    elsewhere.coordinators.set([named])
    # A quest's team may book a space that allows the quest, wherever they work.
    quest = make_quest(koriyama)
    add_to_team(quest, company_user, company_user.memberships.first().organisation)
    for_the_quest = make_space(aizu, name="クエストのルーム")
    for_the_quest.allowed_quests.set([quest])
    everyone = [staff_user, coordinator_user, company_user, aizu_staff, named, admin]
    for user in everyone:
        for space in Space.objects.all():
            fresh = type(user).objects.get(pk=user.pk)  # no cached answers between users
            assert permissions.visible_spaces(fresh).filter(
                pk=space.pk
            ).exists() == permissions.can_view_space(fresh, space), (user.email, space.name)
            assert permissions.coordinated_spaces(fresh).filter(
                pk=space.pk
            ).exists() == permissions.can_coordinate(fresh, space), (user.email, space.name)
    assert list(permissions.visible_spaces(staff_user)) == [by_organisation, in_region]
    assert closed in permissions.visible_spaces(coordinator_user)
    assert list(permissions.visible_spaces(named)) == [elsewhere]
    assert list(permissions.visible_spaces(company_user)) == [for_the_quest]


def test_the_header_count_costs_the_same_for_someone_who_coordinates_nothing(
    koriyama, region, staff_user
):
    _request(_add_spaces(koriyama, region, 3)[0], staff_user, 18)
    fresh = type(staff_user).objects.get(pk=staff_user.pk)
    with CaptureQueriesContext(connection) as few:
        assert pending_approval_count(fresh) == 0
    _add_spaces(koriyama, region, 30, start=3)
    fresh = type(staff_user).objects.get(pk=staff_user.pk)
    with CaptureQueriesContext(connection) as many:
        assert pending_approval_count(fresh) == 0
    assert len(few) == len(many)


def test_a_space_matching_several_rules_is_listed_once_without_joins(
    koriyama, region, coordinator_user
):
    """The rules are EXISTS conditions: joined and OR-ed they multiplied the coordinator's
    1,000 spaces into 25,000 rows, de-duplicated by an `id IN (SELECT …)` (issue 12)."""
    space = make_space(koriyama, name="重なるルーム", regions=[region])
    space.coordinators.set([coordinator_user])
    space.allowed_organisations.set([koriyama])
    for spaces in (
        permissions.visible_spaces(coordinator_user),
        permissions.bookable_spaces(coordinator_user),
        permissions.coordinated_spaces(coordinator_user),
    ):
        assert [s.pk for s in spaces].count(space.pk) == 1
        sql = str(spaces.query)
        assert "OUTER JOIN" not in sql and '"id" IN (SELECT' not in sql, sql
        assert "EXISTS" in sql
