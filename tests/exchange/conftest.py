"""The Yokoze–Bandai network of seed 001: 横瀬町 hosts a placement in まち経営課 (よこらぼ運営
事務局); 磐梯町's staff apply. 磐梯町 also belongs to the Koriyama wide area, whose
coordinator (the shared `coordinator_user`) therefore manages it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cocreation.organisations.models import Region
from spaces.models import OpeningHours, Space
from studygroups.exchange.models import Application, Placement
from studygroups.exchange.services import applications as app_services
from studygroups.exchange.services import placements as services
from tests import factories

TOKYO = ZoneInfo("Asia/Tokyo")
FIRST, LAST = dt.date(2025, 4, 7), dt.date(2025, 9, 26)
# "Now" for on-site bookings: the placement's first morning.
NOW = dt.datetime(2025, 4, 7, 8, 0, tzinfo=TOKYO)


@pytest.fixture
def network(db):
    return Region.objects.create(name="横瀬町・磐梯町 官民共創ネットワーク", slug="yokoze-bandai")


@pytest.fixture
def yokoze(network):
    return factories.make_municipality(
        "横瀬町", "113611", domain="yokoze.example.jp", regions=[network], prefecture="埼玉県"
    )


@pytest.fixture
def bandai(network, region):
    return factories.make_municipality(
        "磐梯町", "074071", domain="bandai.example.jp", regions=[network, region]
    )


@pytest.fixture
def yokoze_admin(yokoze):
    return factories.make_member(
        yokoze, role="admin", email="admin@yokoze.example.jp", family="町田"
    )


@pytest.fixture
def mentor(yokoze):
    return factories.make_member(
        yokoze, email="asami@yokoze.example.jp", family="浅見", department="まち経営課"
    )


@pytest.fixture
def guest(bandai):
    return factories.make_member(bandai, email="hoshi@bandai.example.jp", family="星")


@pytest.fixture
def bandai_admin(bandai):
    return factories.make_member(
        bandai, role="admin", email="admin@bandai.example.jp", family="磐梯"
    )


@pytest.fixture
def room(yokoze):
    space = Space.objects.create(
        name="横瀬町 まちなか共創ルーム",
        building="横瀬町役場",
        address="埼玉県秩父郡横瀬町大字横瀬4545",
        capacity=8,
        host=yokoze,
        opens_on=dt.date(2025, 1, 6),
        slot_minutes=60,
        min_booking_minutes=60,
        max_booking_minutes=240,
        book_ahead_days=60,
        closed_on_public_holidays=False,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(space=space, weekday=w, opens_at=dt.time(9), closes_at=dt.time(17))
        for w in range(5)
    )
    return space


@pytest.fixture
def placement(yokoze_admin, yokoze, room, mentor):
    return services.placement_offer(
        user=yokoze_admin,
        host=yokoze,
        department="まち経営課（よこらぼ運営事務局）",
        title="よこらぼ運営事務局の実務を学ぶ",
        work="提案の受付と審査会の準備に加わる。",
        starts_on=FIRST,
        ends_on=LAST,
        days_per_week=1,
        mode=Placement.Mode.MIXED,
        room=room,
        mentor=mentor,
    )


@pytest.fixture
def application(placement, guest, bandai, bandai_admin):
    return app_services.application_create(
        placement=placement, user=guest, organisation=bandai, motivation="よこらぼを学びたい。"
    )


@pytest.fixture
def accepted(application, bandai_admin, yokoze_admin):
    app_services.employer_decide(application=application, user=bandai_admin, approve=True)
    app_services.host_decide(application=application, user=yokoze_admin, accept=True)
    return Application.objects.get(pk=application.pk)
