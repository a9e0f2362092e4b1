"""The reuse ledger (横展開, issue 14): staff of another municipality record that they are
considering, adopted or adapted a completed quest's result; one record per quest and
municipality, its status history kept, the quest team told; public on the quest and
results pages with the 地方公共団体コード, the private note only for the recording
municipality and the team; "reuse as a draft" records "considering" too."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from quests.errors import QuestError
from quests.models import Quest, ResultReuse, ResultsReport, Theme
from quests.services.quests import quest_reuse
from quests.services.reuse import reuse_record
from tests import factories
from tests.quests.factories import add_to_team, make_quest

pytestmark = pytest.mark.django_db

PRIVATE = "庁内調整中：予算要求は来年度"


@pytest.fixture
def completed(koriyama, staff_user):
    """A completed Koriyama quest with its published results; staff_user leads its team."""
    quest = make_quest(
        koriyama, state=Quest.State.COMPLETED, title="書かない窓口の試行", deadline_in_days=None
    )
    add_to_team(quest, staff_user, koriyama, "leader")
    ResultsReport.objects.create(
        quest=quest,
        what_was_done="窓口で聞き取って申請書を作成した。",
        outcomes="窓口滞在時間が半減した。",
        lessons="様式の統一を先に。",
        reuse_requirements="タブレット2台。",
        published_at=timezone.now(),
    )
    return quest


@pytest.fixture
def tamura_staff(tamura):
    return factories.make_member(tamura, email="staff@city.tamura.example.jp", family="大川原")


def _record(client, quest, **data):
    values = {"status": "considering", "public_note": "", "outcome": "", "private_note": ""}
    values.update(data)
    return client.post(reverse("quests:reuse_record", args=[quest.pk]), values)


# --- Who may record ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("no_org_user", 403),
        ("company_user", 403),
        ("staff_user", 403),  # the host's own staff
        ("coordinator_user", 403),  # the host's coordinator
        ("site_admin", 403),  # no municipality to record for
        ("tamura_staff", 302),
    ],
)
def test_only_staff_of_another_municipality_may_record(
    client, request, completed, tamura, role, expected
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("quests:reuse_record", args=[completed.pk]))
    response = _record(client, completed, municipality=tamura.pk, status="adopted")
    if expected == "login":
        assert page.status_code == 302 and response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not ResultReuse.objects.exists()
    elif expected == 403:
        assert page.status_code == response.status_code == 403
        assert not ResultReuse.objects.exists()
    else:
        assert page.status_code == 200
        assert response.status_code == 302
        entry = ResultReuse.objects.get()
        assert (entry.municipality, entry.status) == (tamura, "adopted")


@pytest.mark.parametrize(
    "role",
    ["anonymous", "no_org_user", "company_user", "staff_user", "coordinator_user", "site_admin"],
)
def test_everyone_reads_the_ledger_and_the_results_list(client, request, completed, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    ledger = client.get(reverse("quests:reuse_ledger", args=[completed.pk]))
    assert ledger.status_code == 200
    assert 'action="' + reverse("quests:reuse_record", args=[completed.pk]) not in (
        ledger.content.decode()
    )
    assert client.get(reverse("quests:results_list")).status_code == 200


def test_the_service_refuses_the_host_a_company_and_a_quest_not_completed(
    completed, koriyama, tamura, staff_user, company_user, tamura_staff
):
    for user, municipality in ((staff_user, koriyama), (company_user, tamura)):
        with pytest.raises(QuestError):
            reuse_record(quest=completed, user=user, municipality=municipality, status="adopted")
    # A municipality the person does not work for.
    with pytest.raises(QuestError) as refused:
        reuse_record(quest=completed, user=tamura_staff, municipality=koriyama, status="adopted")
    assert refused.value.field == "municipality"
    with pytest.raises(QuestError) as refused:
        reuse_record(quest=completed, user=tamura_staff, municipality=tamura, status="bogus")
    assert refused.value.field == "status"
    open_quest = make_quest(koriyama, title="開いているクエスト")
    with pytest.raises(QuestError):
        reuse_record(quest=open_quest, user=tamura_staff, municipality=tamura, status="adopted")
    assert not ResultReuse.objects.exists()


def test_the_ledger_of_a_quest_not_completed_does_not_exist(client, koriyama, tamura_staff):
    open_quest = make_quest(koriyama, title="開いているクエスト")
    client.force_login(tamura_staff)
    assert client.get(reverse("quests:reuse_ledger", args=[open_quest.pk])).status_code == 404
    assert client.get(reverse("quests:reuse_record", args=[open_quest.pk])).status_code == 404


def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(
    client, completed, tamura, tamura_staff
):
    client.force_login(tamura_staff)
    for data in (
        {"status": "bogus"},
        {"status": ""},
        {"municipality": "999999"},
        {"public_note": "x" * 2001},
        {"private_note": "a\x00b"},
    ):
        response = _record(client, completed, **{"municipality": tamura.pk, **data})
        assert response.status_code == 400, data
        assert "errorlist" in response.content.decode()
    assert not ResultReuse.objects.exists()


# --- One record per municipality, updated, with its history, the team told -------------


def test_a_second_save_updates_the_record_and_keeps_the_status_history(
    client, completed, tamura, tamura_staff, staff_user
):
    client.force_login(tamura_staff)
    _record(client, completed, municipality=tamura.pk, public_note="検討を始めた。")
    _record(client, completed, municipality=tamura.pk, public_note="検討を始めた。")
    _record(
        client,
        completed,
        municipality=tamura.pk,
        status="adapted",
        public_note="手続きを絞って導入。",
        outcome="滞在時間が3割短縮。",
        private_note=PRIVATE,
    )
    entry = ResultReuse.objects.get()
    assert (entry.status, entry.outcome, entry.private_note) == (
        "adapted",
        "滞在時間が3割短縮。",
        PRIVATE,
    )
    assert list(entry.revisions.values_list("status", flat=True)) == ["considering", "adapted"]
    # The team's leader is told of each status, once each, in plain text.
    told = Notification.objects.filter(recipient=staff_user, kind="quest.reuse_recorded")
    assert told.count() == 2
    body = told.order_by("-id").first().body
    assert "田村市" in body and "072117" in body and "<" not in body
    assert not Notification.objects.filter(recipient=tamura_staff, kind="quest.reuse_recorded")


def test_the_database_keeps_one_record_per_quest_and_municipality(completed, tamura):
    ResultReuse.objects.create(quest=completed, municipality=tamura)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultReuse.objects.create(quest=completed, municipality=tamura, status="adopted")


@pytest.mark.django_db(transaction=True)
def test_two_staff_of_one_municipality_recording_at_once_make_one_record(
    completed, tamura, staff_user
):
    from tests.parallel import parallel_posts

    requests = []
    for i in range(4):
        client = Client()
        client.force_login(factories.make_member(tamura, email=f"race{i}@city.tamura.example.jp"))
        status = "adopted" if i % 2 else "considering"
        data = {"municipality": tamura.pk, "status": status, "public_note": f"記録{i}"}
        requests.append((client, reverse("quests:reuse_record", args=[completed.pk]), data))
    responses = parallel_posts(requests)
    assert all(r.status_code == 302 for r in responses)
    entry = ResultReuse.objects.get()
    assert entry.municipality == tamura
    # Each change of status is one revision; the saves took turns.
    statuses = list(entry.revisions.values_list("status", flat=True))
    assert 1 <= len(statuses) <= 4 and statuses[-1] == entry.status


# --- Public on the quest page and the results page ----------------------------------


def _pages(client, quest):
    return [
        client.get(reverse(name, args=[quest.pk])).content.decode()
        for name in ("quests:detail", "quests:results", "quests:reuse_ledger")
    ]


def test_quest_and_results_pages_list_the_municipalities_with_codes(
    client, completed, tamura, tamura_staff, staff_user, company_user
):
    bandai = factories.make_municipality("磐梯町", "074071", domain="town.bandai.example.jp")
    bandai_staff = factories.make_member(bandai, email="staff@town.bandai.example.jp")
    reuse_record(
        quest=completed,
        user=tamura_staff,
        municipality=tamura,
        status="adopted",
        public_note="そのまま導入した。",
        private_note=PRIVATE,
    )
    reuse_record(quest=completed, user=bandai_staff, municipality=bandai, status="considering")
    # Anyone: names, codes, statuses and public notes; never the private note.
    for body in _pages(client, completed):
        assert "田村市" in body and "072117" in body and "磐梯町" in body and "074071" in body
        assert "そのまま導入した。" in body
        assert PRIVATE not in body
    # The recording municipality and the quest team read the private note; another
    # municipality's staff and a company member do not.
    for user, sees in (
        (tamura_staff, True),
        (staff_user, True),
        (bandai_staff, False),
        (company_user, False),
    ):
        client.force_login(user)
        for body in _pages(client, completed):
            assert (PRIVATE in body) is sees, (user.email, sees)
    # The history of status changes is on the ledger page.
    client.force_login(tamura_staff)
    ledger = client.get(reverse("quests:reuse_ledger", args=[completed.pk])).content.decode()
    assert "Adopted as it is" in ledger or "導入" in ledger


def test_the_record_button_shows_only_to_those_who_may_record(
    client, completed, tamura_staff, staff_user, company_user
):
    url = reverse("quests:reuse_record", args=[completed.pk])
    for user, shown in ((None, False), (company_user, False), (staff_user, False)):
        if user:
            client.force_login(user)
        assert (url in client.get(completed.get_absolute_url()).content.decode()) is shown
    client.force_login(tamura_staff)
    assert url in client.get(completed.get_absolute_url()).content.decode()


# --- Reuse as a draft --------------------------------------------------------------


def test_reusing_as_a_draft_records_considering_in_the_same_transaction(
    client, completed, tamura, tamura_staff, staff_user
):
    client.force_login(tamura_staff)
    response = client.post(reverse("quests:reuse", args=[completed.pk]), {"host": tamura.pk})
    assert response.status_code == 302
    draft = Quest.objects.get(reused_from=completed)
    entry = ResultReuse.objects.get()
    assert (entry.quest, entry.municipality, entry.status, entry.draft) == (
        completed,
        tamura,
        "considering",
        draft,
    )
    assert (
        Notification.objects.filter(recipient=staff_user, kind="quest.reuse_recorded").count() == 1
    )
    # A municipality that already adopted it is not set back by starting another draft.
    ResultReuse.objects.filter(pk=entry.pk).update(status="adopted")
    Quest.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    quest_reuse(source=completed, user=tamura_staff, host=tamura)
    entry.refresh_from_db()
    assert entry.status == "adopted" and ResultReuse.objects.count() == 1


def test_a_host_reusing_its_own_quest_records_nothing(completed, koriyama, staff_user):
    quest_reuse(source=completed, user=staff_user, host=koriyama)
    assert not ResultReuse.objects.exists()


def test_a_failed_ledger_write_undoes_the_draft(monkeypatch, completed, tamura, tamura_staff):
    from quests.services import reuse

    def broken(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(reuse, "_save", broken)
    with pytest.raises(IntegrityError), transaction.atomic():
        quest_reuse(source=completed, user=tamura_staff, host=tamura)
    assert not Quest.objects.filter(reused_from=completed).exists()


# --- Results to reuse: the public list --------------------------------------------


def test_results_list_filters_by_theme_and_keyword(client, completed, koriyama, tamura):
    dx = Theme.objects.filter(slug="dx").first() or Theme.objects.create(
        slug="dx", name_ja="DX", name_en="DX"
    )
    other = make_quest(
        tamura, state=Quest.State.COMPLETED, title="公共交通のデマンド化", deadline_in_days=None
    )
    other.themes.set([dx])
    ResultsReport.objects.create(
        quest=other,
        what_was_done="予約制の乗合交通を試行。",
        outcomes="利用者が増えた。",
        lessons="周知が大切。",
        reuse_requirements="車両の確保。",
        published_at=timezone.now(),
    )
    # Completed, results not published: not listed.
    make_quest(koriyama, state=Quest.State.COMPLETED, title="未公開の成果", deadline_in_days=None)
    url = reverse("quests:results_list")
    body = client.get(url).content.decode()
    assert "書かない窓口の試行" in body and "公共交通のデマンド化" in body
    assert "未公開の成果" not in body
    body = client.get(url, {"theme": dx.pk}).content.decode()
    assert "公共交通のデマンド化" in body and "書かない窓口の試行" not in body
    body = client.get(url, {"q": "窓口"}).content.decode()
    assert "書かない窓口の試行" in body and "公共交通のデマンド化" not in body
    response = client.get(url, {"theme": "abc", "page": "x"})
    assert response.status_code == 200


# --- Query counts at two sizes ------------------------------------------------------


def _grow(quest, n, start):
    for i in range(start, start + n):
        town = factories.make_municipality(f"町{i}", f"09{i:03d}0", domain=f"t{i}.example.jp")
        ResultReuse.objects.create(
            quest=quest, municipality=town, status="adopted", private_note="内部"
        )
        other = make_quest(
            town, state=Quest.State.COMPLETED, title=f"成果{i}", deadline_in_days=None
        )
        ResultsReport.objects.create(
            quest=other,
            what_was_done="a",
            outcomes="b",
            lessons="c",
            reuse_requirements="d",
            published_at=timezone.now(),
        )
        ResultReuse.objects.create(quest=other, municipality=quest.host, status="considering")


@pytest.mark.parametrize("role", ["anonymous", "staff_user", "tamura_staff"])
def test_new_pages_cost_the_same_at_two_sizes(client, request, settings, completed, role):
    settings.PAGE_CACHE_SECONDS = 0
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    urls = [
        reverse("quests:results_list"),
        reverse("quests:results_list") + "?q=成果",
        reverse("quests:reuse_ledger", args=[completed.pk]),
        reverse("quests:results", args=[completed.pk]),
        completed.get_absolute_url(),
    ]

    def measure():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            counts.append(len(queries))
        return counts

    _grow(completed, 3, 0)
    measure()
    small = measure()
    _grow(completed, 12, 3)
    assert measure() == small
    assert max(small) <= 25
