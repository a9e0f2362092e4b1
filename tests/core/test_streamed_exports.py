"""Streamed exports (issue 12): every CSV and JSON download is a StreamingHttpResponse over
a server-side cursor, so memory stays bounded however many rows there are, and its bytes
are exactly those of the buffered export it replaced.

The buffered exports are kept here as the reference (`_buffered_*`: the code of the views
before they streamed, over the same selectors), and every export of the demo data is
compared with them byte for byte: the BOM, the header, the column order, formula cells
neutralised, the line ends, the JSON layout; the file name and disposition too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreation.core.dates import end_clock
from cocreation.core.exports import csv_lines, json_lines, neutralise
from quests.filters import QuestFilter
from quests.models import Quest
from quests.selectors import quests as quest_selectors
from spaces.models import Booking, Space
from spaces.selectors.reports import bookings_in_period
from studygroups.models import Cohort, Member
from studygroups.selectors.sessions import attendance_rates
from tests import factories
from tests.spaces.conftest import at, make_space

pytestmark = pytest.mark.django_db

# --- The buffered exports, as they were before streaming ----------------------------------


def _buffered_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _buffered_quest_rows(client_request_get, absolute_url):
    quests = QuestFilter.understood(client_request_get, queryset=quest_selectors.public_quests()).qs
    return list(quest_selectors.public_quest_rows(quests.order_by("pk"), absolute_url=absolute_url))


def _buffered_quests_csv(query, absolute_url) -> bytes:
    rows = []
    for row in _buffered_quest_rows(query, absolute_url):
        for key in ("co_hosts", "themes", "sdg_targets"):
            row[key] = ";".join(row[key])
        row["results_published"] = "1" if row["results_published"] else "0"
        rows.append(
            [
                "" if row[column] is None else row[column]
                for column in quest_selectors.EXPORT_COLUMNS
            ]
        )
    return _buffered_csv(quest_selectors.EXPORT_COLUMNS, rows)


def _buffered_quests_json(query, absolute_url) -> bytes:
    rows = _buffered_quest_rows(query, absolute_url)
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


BOOKING_HEADER = ["日付", "開始", "終了", "種別", "状態", "予約者", "メールアドレス", "利用目的"]


def _buffered_bookings_csv(space, first, last) -> bytes:
    rows = []
    for booking in bookings_in_period(space, first, last):
        start = timezone.localtime(booking.starts_at)
        rows.append(
            [
                start.date().isoformat(),
                f"{start:%H:%M}",
                end_clock(booking.ends_at),
                booking.get_kind_display(),
                booking.get_status_display(),
                booking.user.display_name,
                booking.user.email,
                booking.purpose,
                booking.quest.title if booking.quest else "",
            ]
        )
    return _buffered_csv([*BOOKING_HEADER, "クエスト"], rows)


def _buffered_members_csv(cohort) -> bytes:
    header = [
        "氏名",
        "ふりがな",
        "自治体",
        "所属",
        "職名",
        "メールアドレス",
        "班",
        "班での役割",
        "研究会での役割",
        "出席",
        "記録数",
        "出席率",
    ]
    rows = [
        [
            member.user.display_name,
            member.user.display_name_kana,
            member.organisation.name,
            member.department,
            member.position,
            member.user.email,
            str(member.team) if member.team else "",
            member.get_team_role_display(),
            member.get_cohort_role_display() if member.cohort_role else "",
            present,
            counted,
            "" if rate is None else f"{rate:.0%}",
        ]
        for member, present, counted, rate in attendance_rates(cohort)
    ]
    return _buffered_csv(header, rows)


def _streamed(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming is True
    return response.getvalue()


# --- The writers --------------------------------------------------------------------------

CELLS = [
    ["郡山市", '=HYPERLINK("https://evil.example")', "+81-24", "-1", "@SUM(A1)", "\t=1"],
    ['引用符 "と" カンマ, と\n改行', "\r\n", "", None, 0, -5, 1.5],
    ["ﾊﾝｶｸ", "𠮷野家", "\u200f", "a;b;c", "'既に引用符", " 前に空白"],
]


def test_the_csv_writer_writes_what_the_buffered_one_did():
    header = ["=title", "件数", "note"]
    assert "".join(csv_lines(header, iter(CELLS))).encode() == _buffered_csv(header, CELLS)
    assert "".join(csv_lines(header, iter([]))).encode() == _buffered_csv(header, [])


ITEMS = [
    {"id": 1, "title": "食品ロス", "co_hosts": ["田村市", "本宮市"], "themes": [], "x": None},
    {"id": 2, "title": 'quote " and \\ and \n newline', "nested": {"a": [1, {"b": []}]}},
    {"id": 3, "empty": {}, "flag": True, "n": 1.5, "emoji": "🙂"},
]


@pytest.mark.parametrize("items", [[], ITEMS[:1], ITEMS], ids=["none", "one", "several"])
def test_the_json_writer_writes_one_valid_document_as_json_dumps_did(items):
    text = "".join(json_lines(iter(items)))
    assert text == json.dumps(items, ensure_ascii=False, indent=1)
    assert json.loads(text) == items


# --- Every export of the demo, byte for byte ----------------------------------------------


@pytest.fixture
def demo(settings):
    call_command("load_demo", verbosity=0)


QUEST_QUERIES = ["", "q=防災", "state=open", "sort=deadline", "theme=abc", "q=%00", "host=x"]


@pytest.mark.parametrize("query", QUEST_QUERIES)
def test_the_quest_exports_are_the_bytes_they_were(client, rf, demo, query):
    for name, reference, content_type, disposition in (
        ("export_csv", _buffered_quests_csv, "text/csv", 'attachment; filename="quests.csv"'),
        (
            "export_json",
            _buffered_quests_json,
            "application/json",
            'inline; filename="quests.json"',
        ),
    ):
        url = reverse(f"quests:{name}") + (f"?{query}" if query else "")
        response = client.get(url)
        request = rf.get(url)
        expected = reference(request.GET, request.build_absolute_uri)
        assert _streamed(response) == expected, (name, query)
        assert response["Content-Type"] == f"{content_type}; charset=utf-8"
        assert response["Content-Disposition"] == disposition


def test_the_bookings_csv_of_every_demo_space_is_the_bytes_it_was(client, demo, site_admin):
    client.force_login(site_admin)
    today = timezone.localdate()
    periods = [
        (dt.date(2019, 1, 1), dt.date(2020, 12, 31)),
        (today - dt.timedelta(days=365), today + dt.timedelta(days=365)),
    ]
    shown = 0
    for space in Space.objects.order_by("pk"):
        for first, last in periods:
            response = client.get(
                reverse("spaces:bookings_csv", args=[space.pk]),
                {"from": first.isoformat(), "to": last.isoformat()},
            )
            body = _streamed(response)
            assert body == _buffered_bookings_csv(space, first, last)
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            assert response["Content-Disposition"] == (
                f'attachment; filename="bookings-{space.pk}-{first}-{last}.csv"'
            )
            shown += body.count(b"\r\n") - 1
    assert shown >= 10  # the demo's bookings were there to compare


def test_the_members_csv_of_every_demo_cohort_is_the_bytes_it_was(client, demo, site_admin):
    client.force_login(site_admin)
    cohorts = Cohort.objects.order_by("pk")
    assert cohorts
    for cohort in cohorts:
        response = client.get(reverse("studygroups:members_csv", args=[cohort.pk]))
        assert _streamed(response) == _buffered_members_csv(cohort)
        assert response["Content-Disposition"] == (
            f'attachment; filename="cohort-{cohort.pk}-{cohort.fiscal_year}-members.csv"'
        )


# --- Streaming, and queries that do not grow with the rows --------------------------------


def _book(space, user, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        starts_at = at(2020, 12, 8, 10) + dt.timedelta(hours=i % 8, days=i // 8)
        Booking.objects.create(
            space=space,
            user=user,
            kind=Booking.Kind.WHOLE_ROOM,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=30),
            purpose=f"=打合せ{i}",
        )


def test_the_bookings_csv_reads_its_rows_only_while_it_is_sent(
    client, coordinator_user, koriyama, staff_user
):
    space = make_space(koriyama)
    _book(space, staff_user, 5)
    client.force_login(coordinator_user)
    url = reverse("spaces:bookings_csv", args=[space.pk])
    query = {"from": "2020-12-08", "to": "2021-01-29"}
    with CaptureQueriesContext(connection) as before_sending:
        response = client.get(url, query)
    assert response.streaming is True
    assert not any('FROM "spaces_booking"' in q["sql"] for q in before_sending)
    with CaptureQueriesContext(connection) as sending:
        body = response.getvalue().decode("utf-8-sig")
    assert len(sending) == 1 and 'FROM "spaces_booking"' in sending[0]["sql"]
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 6 and rows[1][7] == "'=打合せ0"


def _count(client, url, query=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url, query).getvalue()
    return len(queries)


def test_the_bookings_csv_costs_the_same_at_two_sizes(
    client, coordinator_user, koriyama, staff_user
):
    space = make_space(koriyama)
    client.force_login(coordinator_user)
    url = reverse("spaces:bookings_csv", args=[space.pk])
    query = {"from": "2020-12-08", "to": "2021-01-29"}
    _book(space, staff_user, 3)
    _count(client, url, query)
    small = _count(client, url, query)
    _book(space, staff_user, 60, start=3)
    assert _count(client, url, query) == small


def test_the_members_csv_costs_the_same_at_two_sizes(client, site_admin, koriyama):
    from studygroups.models import Programme

    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(programme=programme, fiscal_year=2020, title="研究塾 2020")
    client.force_login(site_admin)
    url = reverse("studygroups:members_csv", args=[cohort.pk])

    def grow(n, start=0):
        for i in range(start, start + n):
            Member.objects.create(
                cohort=cohort,
                user=factories.make_member(koriyama, email=f"m{i}@city.koriyama.lg.jp"),
                organisation=koriyama,
                status="accepted",
                birth_date=dt.date(1990, 1, 1),
            )

    grow(2)
    _count(client, url)
    small = _count(client, url)
    grow(20, start=2)
    assert _count(client, url) == small


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_the_quest_exports_cost_the_same_at_two_sizes(client, koriyama, name):
    from tests.quests.factories import make_quest

    url = reverse(f"quests:{name}")
    for i in range(3):
        make_quest(koriyama, title=f"少{i}")
    _count(client, url)
    small = _count(client, url)
    for i in range(40):
        make_quest(koriyama, title=f"多{i}")
    assert _count(client, url) == small
    assert Quest.objects.count() == 43
