"""Feeds never break on stored text: text saved before the input rules existed (or by a
path that skipped them) with control characters or line breaks still makes a valid Atom
feed and valid iCalendar, and a single-line property never gains a line of its own.
Space feeds show another person's seat booking only as the week view does."""

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from cocreation.accounts.services import calendar_token_issue
from quests.models import Quest
from spaces.models import Booking
from spaces.services import bookings as space_services
from studygroups.models import Cohort, Session
from tests import factories
from tests.quests.factories import make_quest
from tests.spaces.conftest import BEFORE_OPENING, make_space

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("feeds_in_december_2020")]
TOKYO = ZoneInfo("Asia/Tokyo")


def test_the_quest_feed_survives_control_and_bidi_characters(client, koriyama):
    quest = make_quest(koriyama)
    # Stored as legacy text: update() skips every validator.
    Quest.objects.filter(pk=quest.pk).update(
        title="食品ロス\u202e削減\x07", summary="a\x0bb\x01c\r\n二行目"
    )
    response = client.get(reverse("quests:feed"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    entry = root.find("atom:entry", ns)
    assert entry.find("atom:title", ns).text == "食品ロス削減"
    assert entry.find("atom:summary", ns).text.startswith("abc")
    assert "二行目" in entry.find("atom:summary", ns).text


@pytest.fixture
def study_cohort(koriyama, coordinator_user):
    from studygroups.models import Programme

    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme, fiscal_year=2020, title="研究塾 2020", theme="課題"
    )
    cohort.organisations.set([koriyama])
    cohort.coordinators.add(coordinator_user)
    Session.objects.create(
        cohort=cohort,
        kind="plenary",
        title="全体会",
        content="一行目\n二行目\x0c",
        starts_at=dt.datetime(2020, 7, 22, 14, tzinfo=TOKYO),
        ends_at=dt.datetime(2020, 7, 22, 16, tzinfo=TOKYO),
    )
    return cohort


@pytest.mark.parametrize("title", ["A\r\nB", "A\rX-INJECT:1", "A\nX-INJECT:1", "A\x01\u202eB"])
def test_a_cohort_feed_survives_line_breaks_in_the_title(
    client, study_cohort, coordinator_user, title
):
    Cohort.objects.filter(pk=study_cohort.pk).update(title=title)
    Session.objects.filter(cohort=study_cohort).update(title=f"会\r{title}")
    url = reverse(
        "studygroups:ical_cohort",
        args=[calendar_token_issue(user=coordinator_user), study_cohort.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "\nX-INJECT" not in body and "\rX-INJECT" not in body
    cal = Calendar.from_ical(response.content)
    name = str(cal.get("x-wr-calname"))
    assert "\r" not in name and "\n" not in name and "\x01" not in name and "\u202e" not in name
    (event,) = cal.walk("VEVENT")
    summary = str(event.get("summary"))
    assert "\r" not in summary and "\n" not in summary
    assert str(event.get("description")) == "一行目\n二行目"


def test_a_space_feed_survives_control_characters(client, koriyama, region, staff_user):
    space = make_space(koriyama, regions=[region])
    booking = space_services.booking_create(
        space=space,
        user=staff_user,
        kind="whole_room",
        starts_at=dt.datetime(2020, 12, 18, 13, 30, tzinfo=TOKYO),
        ends_at=dt.datetime(2020, 12, 18, 15, tzinfo=TOKYO),
        purpose="打合せ",
        now=BEFORE_OPENING,
    )
    Booking.objects.filter(pk=booking.pk).update(purpose="打合せ\r\nX-INJECT:1\x0b")
    type(space).objects.filter(pk=space.pk).update(name="ルーム\x01\r\nX-INJECT:2")
    for url in (
        reverse("spaces:ical_mine", args=[calendar_token_issue(user=staff_user)]),
        reverse("spaces:ical_space", args=[calendar_token_issue(user=staff_user), space.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "\nX-INJECT" not in body and "\rX-INJECT" not in body
        Calendar.from_ical(response.content)


def test_a_seat_booker_does_not_see_other_peoples_seat_purposes_in_the_space_feed(
    client, koriyama, region, staff_user
):
    space = make_space(koriyama, regions=[region])
    other = factories.make_member(koriyama, email="other@city.koriyama.lg.jp", family="他人")
    when = {
        "starts_at": dt.datetime(2020, 12, 18, 13, 30, tzinfo=TOKYO),
        "ends_at": dt.datetime(2020, 12, 18, 15, tzinfo=TOKYO),
        "now": BEFORE_OPENING,
    }
    space_services.booking_create(
        space=space, user=other, kind="seat", purpose="人事評価の面談準備", **when
    )
    space_services.booking_create(
        space=space, user=staff_user, kind="seat", purpose="自分の作業", **when
    )
    space_services.booking_create(
        space=space,
        user=other,
        kind="whole_room",
        purpose="全体の打合せ",
        starts_at=dt.datetime(2020, 12, 22, 13, 30, tzinfo=TOKYO),
        ends_at=dt.datetime(2020, 12, 22, 15, tzinfo=TOKYO),
        now=BEFORE_OPENING,
    )
    url = reverse("spaces:ical_space", args=[calendar_token_issue(user=staff_user), space.pk])
    response = client.get(url)
    assert response.status_code == 200
    summaries = [str(e.get("summary")) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    text = "\n".join(summaries)
    assert "人事評価の面談準備" not in text
    assert "他人" not in "".join(s for s in summaries if "全体の打合せ" not in s)
    assert any("自分の作業" in s for s in summaries)  # one's own booking keeps its purpose
    assert any("全体の打合せ" in s for s in summaries)  # whole-room purposes are shown to bookers
    assert len(summaries) == 3
