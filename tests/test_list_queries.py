"""Issue 12: every main list page costs the same number of queries, at most 25, however
much data the portal holds, for every role that may open it.

Each test builds a small world, counts the queries of every page, grows the world tenfold
(more quests with proposals, questions and drafts, more spaces with bookings, cohorts,
outcomes, organisations and notifications) and counts again. Pages a role may not open are
counted too: a refusal must not grow either.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.notifications import services as notifications
from quests.models import (
    AgendaItem,
    BoardScore,
    BoardSession,
    DeskCriterion,
    DeskMember,
    OpenProposal,
    ProposalDesk,
    Quest,
    QuestCoHost,
    Question,
    Theme,
)
from spaces.models import Booking
from studygroups.models import (
    Cohort,
    ExchangeMeeting,
    Field,
    MeetingRegistration,
    MeetingSurveyResponse,
    Member,
    Outcome,
    Programme,
    Team,
)
from tests import factories
from tests.quests.factories import add_to_team, make_proposal, make_quest
from tests.spaces.conftest import at, make_space

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25
SMALL, LARGE = 3, 30


class World:
    """The fixed rows every page is opened on, and `grow` to add more of everything."""

    def __init__(self, region, koriyama, tamura, company, staff, member, coordinator):
        self.region, self.koriyama, self.tamura, self.company = region, koriyama, tamura, company
        self.staff, self.member, self.coordinator = staff, member, coordinator
        self.theme = Theme.objects.filter(slug="food-loss").first()
        self.quest = make_quest(koriyama, title="食品ロス削減の本命クエスト")
        QuestCoHost.objects.create(quest=self.quest, organisation=tamura)
        add_to_team(self.quest, staff, koriyama)
        make_proposal(self.quest, company, member)
        self.space = make_space(koriyama, name="ビッグアイ 本命ルーム", regions=[region])
        programme = Programme.objects.create(name="研究塾", organiser=koriyama)
        self.programme = programme
        self.cohort = self._cohort(2020, "研究塾 2020")
        self.cohort.coordinators.add(coordinator)
        # A proposal desk (issue 13) with its staff, a criterion and a published session.
        self.desk = ProposalDesk.objects.create(
            name="こおりやま提案窓口", host=koriyama, intake_text="提案を", board_rules="毎月"
        )
        DeskMember.objects.create(desk=self.desk, user=staff, role="staff")
        DeskMember.objects.create(desk=self.desk, user=staff, role="reviewer")
        self.desk_criterion = DeskCriterion.objects.create(desk=self.desk, name="町のメリット")
        self.desk_session = BoardSession.objects.create(
            desk=self.desk, held_on=dt.date(2020, 12, 16), published_at=dt.datetime.now(dt.UTC)
        )
        # An exchange meeting of the region (issue 14), over, with its minutes published.
        self.meeting = self._meeting(-3, "官民共創の窓口担当者 情報交換会")
        self.meeting.minutes, self.meeting.minutes_published_at = "窓口の連携", self.now()
        self.meeting.save()
        self.grown = 0

    @staticmethod
    def now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def _meeting(self, days: int, title: str) -> ExchangeMeeting:
        start = self.now() + dt.timedelta(days=days)
        return ExchangeMeeting.objects.create(
            region=self.region,
            field="官民共創",
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            online_url="https://meet.example.jp/x",
            organiser=self.coordinator,
        )

    def _cohort(self, year: int, title: str) -> Cohort:
        cohort = Cohort.objects.create(
            programme=self.programme,
            fiscal_year=year,
            title=title,
            theme="広域圏の課題",
            is_published=True,
        )
        cohort.organisations.set([self.koriyama, self.tamura])
        field = Field.objects.create(cohort=cohort, name="まち", position=0)
        team = Team.objects.create(cohort=cohort, number=1, field=field)
        Outcome.objects.create(
            team=team, proposal_title=f"{title}の成果", summary="食品ロスを減らす"
        )
        return cohort

    def grow(self, n: int) -> None:
        """n more of every kind of row the lists show."""
        for i in range(self.grown, self.grown + n):
            company = factories.make_company(f"株式会社成長{i:03d}")
            worker = factories.make_member(company, email=f"worker{i}@grow{i}.example.jp")
            # Quests: open ones with co-hosts, a team, proposals and questions; drafts of
            # other municipalities (hidden from most roles).
            quest = make_quest(self.koriyama, title=f"食品ロス削減 第{i}弾")
            QuestCoHost.objects.create(quest=quest, organisation=self.tamura)
            add_to_team(quest, self.staff, self.koriyama)
            make_proposal(quest, self.company, self.member, title=f"提案{i}")
            make_proposal(quest, company, worker, title=f"他社の提案{i}")
            Question.objects.create(quest=quest, asked_by=worker, organisation=company, body="質問")
            make_quest(self.tamura, state=Quest.State.DRAFT, title=f"田村市の下書き{i}")
            # The main quest's team sees more proposals from more companies, and more
            # co-hosting towns, each naming an approver (the permission checks read them).
            make_proposal(self.quest, company, worker, title=f"本命への提案{i}")
            town = factories.make_municipality(
                f"共催町{i:03d}", f"09{i:03d}1", domain=None, regions=[self.region]
            )
            co_host = QuestCoHost.objects.create(quest=self.quest, organisation=town)
            co_host.approvers.add(factories.make_member(town, email=f"approver{i}@town{i}.jp"))
            # Spaces with bookings; the main room's week fills up.
            space = make_space(self.koriyama, name=f"共創ルーム{i:03d}", regions=[self.region])
            day, slot = 15 + i % 4, i // 4
            start = at(2020, 12, day, 10) + dt.timedelta(minutes=30 * slot)
            for room, user, status, starts_at in (
                (self.space, self.member if i % 2 else self.staff, "confirmed", start),
                (space, self.staff, "pending", at(2020, 12, day, 10)),
            ):
                Booking.objects.create(
                    space=room,
                    user=user,
                    kind=Booking.Kind.WHOLE_ROOM,
                    status=status,
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=30),
                    purpose="打合せ",
                )
            # Study groups: more cohorts (each with a published outcome) and more members.
            self._cohort(2030 + i, f"研究塾 {2030 + i}")
            Member.objects.create(
                cohort=self.cohort,
                user=factories.make_member(self.koriyama, email=f"juku{i}@city.koriyama.lg.jp"),
                organisation=self.koriyama,
                status="accepted",
                birth_date=dt.date(1990, 1, 1),
                team=self.cohort.teams.get(),
            )
            # Open proposals to the desk, each on the session's agenda with a score.
            for proposer, organisation in ((worker, company), (self.member, self.company)):
                proposal = OpenProposal.objects.create(
                    desk=self.desk,
                    organisation=organisation,
                    submitted_by=proposer,
                    title=f"自由提案{i}",
                    summary="要約",
                    approach="方法",
                    benefit_town="町",
                    benefit_residents="住民",
                    benefit_proposer="提案者",
                    confidential="非公開",
                    state="not_adopted",
                )
                item = AgendaItem.objects.create(
                    session=self.desk_session,
                    proposal=proposal,
                    decision="not_adopted",
                    reason="理由",
                    decided_at=dt.datetime.now(dt.UTC),
                )
                BoardScore.objects.create(
                    item=item, reviewer=self.staff, criterion=self.desk_criterion, score=3
                )
            # Exchange meetings, upcoming and past, and more participants who answered.
            for days in (5 + i, -10 - i):
                meeting = self._meeting(days, f"情報交換会{i}")
                MeetingRegistration.objects.create(
                    meeting=meeting, user=self.staff, organisation=self.koriyama
                )
            person = factories.make_member(self.tamura, email=f"kouryu{i}@city.tamura.example.jp")
            MeetingRegistration.objects.create(
                meeting=self.meeting, user=person, organisation=self.tamura, department="企画課"
            )
            MeetingSurveyResponse.objects.create(
                meeting=self.meeting, user=person, rating=4, comment=f"企業との連携{i}"
            )
            # Notifications for everyone who reads them.
            for user in (self.staff, self.member, self.coordinator):
                notifications.notify(
                    user,
                    "membership.approved",
                    None,
                    context={"organisation": f"団体{i}", "decider": "x"},
                    key=f"grow-{i}-{user.pk}",
                    email=False,
                )
        self.grown += n

    def pages(self) -> dict[str, str]:
        quest, space = self.quest, self.space
        filters = (
            f"?theme={self.theme.pk if self.theme else ''}&region={self.region.pk}"
            f"&host={self.koriyama.name}&prefecture=福島県&state=open&accepting=on&sort=deadline"
        )
        return {
            "quest list": reverse("quests:list"),
            "quest search": reverse("quests:list") + "?q=食品ロス 削減",
            "quest filters": reverse("quests:list") + filters,
            "quest mine": reverse("quests:list") + "?mine=on",
            "quest detail": reverse("quests:detail", args=[quest.pk]),
            "my proposals": reverse("quests:my_proposals"),
            "team's proposals": reverse("quests:proposal_list", args=[quest.pk]),
            "space list": reverse("spaces:list"),
            "room week": reverse("spaces:week", args=[space.pk]) + "?date=2020-12-15",
            "my bookings": reverse("spaces:mine") + "?when=past",
            "study groups": reverse("studygroups:list"),
            "cohort": reverse("studygroups:cohort", args=[self.cohort.pk]),
            "archive": reverse("studygroups:archive"),
            "organisations": reverse("organisations:list"),
            "notifications": reverse("notifications:list"),
            "desk list": reverse("quests:desk_list"),
            "desk page": reverse("quests:desk_detail", args=[self.desk.pk]),
            "desk proposals": reverse("quests:desk_proposals", args=[self.desk.pk]),
            "board": reverse("quests:desk_board", args=[self.desk.pk, self.desk_session.pk]),
            "minutes": reverse("quests:desk_session", args=[self.desk.pk, self.desk_session.pk]),
            "results to reuse": reverse("quests:results_list") + "?q=食品ロス",
            "meetings": reverse("studygroups:meetings"),
            "network meetings": reverse("studygroups:network_meetings", args=[self.region.slug]),
            "meeting": reverse("studygroups:meeting", args=[self.meeting.pk]),
        }


@pytest.fixture
def world(region, koriyama, tamura, company, staff_user, company_user, coordinator_user):
    return World(region, koriyama, tamura, company, staff_user, company_user, coordinator_user)


DISTINCT_ROWS: dict[str, list[str]] = {}


def _distinct_over_rows(sql: str) -> bool:
    """A `SELECT DISTINCT` over more than a few columns: whole rows de-duplicated (a
    DISTINCT over one or two columns, e.g. the years of a filter, is not)."""
    upper = sql.upper()
    start = upper.find("SELECT DISTINCT ")
    while start != -1:
        columns = upper[start : upper.find(" FROM ", start)]
        if columns.count(",") >= 3:
            return True
        start = upper.find("SELECT DISTINCT ", start + 1)
    return False


def _measure(client, pages: dict[str, str]) -> dict[str, tuple[int, int]]:
    """{page: (status, queries)}; the SQL of any `SELECT DISTINCT` goes to DISTINCT_ROWS."""
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[name] = (response.status_code, len(queries))
        distinct = [q["sql"] for q in queries if _distinct_over_rows(q["sql"])]
        if distinct:
            DISTINCT_ROWS[name] = distinct
    return counts


@pytest.mark.parametrize(
    "role", ["anonymous", "staff_user", "company_user", "coordinator_user", "site_admin"]
)
def test_every_list_page_costs_the_same_at_two_sizes(client, request, settings, world, role):
    # What rendering costs: an anonymous page served from the page cache costs no query
    # at all (tests/core/test_page_cache.py).
    settings.PAGE_CACHE_SECONDS = 0
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    world.grow(SMALL)
    pages = world.pages()
    _measure(client, pages)  # sessions, languages and calendar tokens settle on a first visit
    DISTINCT_ROWS.clear()
    small = _measure(client, pages)
    world.grow(LARGE - SMALL)
    large = _measure(client, pages)
    table = "\n".join(
        f"{name:18} {small[name][0]} {small[name][1]:3} -> {large[name][0]} {large[name][1]:3}"
        for name in pages
    )
    grown = [name for name in pages if small[name] != large[name]]
    costly = [name for name in pages if large[name][1] > MAX_QUERIES]
    assert not grown and not costly, f"{role}: grown {grown}, over {MAX_QUERIES} {costly}\n{table}"
    # Visibility rules are EXISTS subqueries: no list de-duplicates whole rows.
    assert not DISTINCT_ROWS, (
        " ".join(sorted(DISTINCT_ROWS))
        + " "
        + str({k: [q[:400] for q in v] for k, v in DISTINCT_ROWS.items()})
    )
    # The pages this role may open are really shown, not refused or redirected.
    if role == "anonymous":
        assert all(small[name][0] == 200 for name in ("quest list", "quest detail", "archive"))
    else:
        assert all(
            small[name][0] == 200
            for name in ("quest list", "quest search", "space list", "notifications")
        ), table


def test_the_coordinators_header_costs_the_same_with_2_and_100_spaces(
    client, world, coordinator_user
):
    """A coordinator of a region with 100 spaces pays what one with 2 pays, on every list."""
    client.force_login(coordinator_user)
    _measure(client, world.pages())
    few = _measure(client, world.pages())
    for n in range(98):
        make_space(world.koriyama, name=f"広域ルーム{n:03d}", regions=[world.region])
    many = _measure(client, world.pages())
    assert few == many
