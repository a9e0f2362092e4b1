"""Issue 12 item 4: anonymous public pages are kept in Redis (cocreation.core.page_cache)
and forgotten on every write; nothing of a signed-in person is ever kept or served.

The tests run against the shared Redis; the autouse fixture of tests/conftest.py gives
each test its own key prefix, so parallel runs never see each other's pages.
"""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisSerializer
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreation.accounts import services as account_services
from cocreation.core import page_cache
from cocreation.core.page_cache import DIRECTORY, QUESTS, pages_changed, public_page
from cocreation.notifications.services import notify
from quests.models import Quest, Question, ResultsReport, TeamMember
from quests.services import engagement, trial
from quests.services import quests as quest_services
from studygroups.models import Outcome
from studygroups.services import outcomes as outcome_services
from tests import factories
from tests.processes import free_port

pytestmark = pytest.mark.django_db

SECRET_NAME = "秘密"  # the signed-in person's family name: must never be kept


@pytest.fixture(autouse=True)
def _nothing_left_unsent():
    page_cache._unsent.clear()
    yield
    page_cache._unsent.clear()


def _queries(client, url, **extra) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return len(queries), response


def _kept_entries() -> list[bytes]:
    """Every value this test stored in Redis (its key prefix), raw."""
    main = caches["main_cache"]
    redis = main._cache.get_client(write=False)
    return [redis.get(key) for key in redis.scan_iter(f"{main.key_prefix}:*")]


def _kept_pages() -> list[HttpResponse]:
    serializer = RedisSerializer()
    pages = []
    for raw in _kept_entries():
        value = serializer.loads(raw)
        # (the generations it was rendered under, the response): page_cache.PAGE_KEY.
        if isinstance(value, tuple) and isinstance(value[-1], HttpResponse):
            pages.append(value[-1])
    return pages


@pytest.fixture
def quest(koriyama, staff_user):
    from tests.quests import factories as qf

    quest = qf.make_quest(koriyama, created_by=staff_user, title="食品ロス削減の試行")
    qf.add_to_team(quest, staff_user, koriyama, TeamMember.Role.LEADER)
    return quest


@pytest.fixture
def completed_quest(quest, company, company_user, staff_user):
    """The quest completed, with a results report written but not yet published."""
    from tests.quests import factories as qf

    qf.make_proposal(quest, company, company_user, state="adopted")
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.COMPLETED)
    quest.refresh_from_db()
    ResultsReport.objects.create(
        quest=quest, what_was_done="20店舗で試行", outcomes="4.2トン削減", lessons="周知が鍵"
    )
    return quest


@pytest.fixture
def archive_outcome(koriyama, coordinator_user):
    from studygroups.models import Cohort, Field, Programme, Team

    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme,
        fiscal_year=2020,
        title="研究塾 2020",
        theme="広域圏の課題",
        age_limit=35,
        recruitment_opens=dt.date(2020, 5, 1),
        recruitment_closes=dt.date(2020, 6, 15),
        is_published=True,
    )
    cohort.coordinators.add(coordinator_user)
    field = Field.objects.create(cohort=cohort, name="まち", position=0)
    team = Team.objects.create(cohort=cohort, number=1, field=field)
    return Outcome.objects.create(team=team, proposal_title="夜間窓口の試行", summary="試行")


def _public_urls(quest) -> list[str]:
    return [
        reverse("home"),
        reverse("quests:list"),
        reverse("quests:list") + "?sort=deadline&accepting=on&page=1",
        quest.get_absolute_url(),
        reverse("quests:questions", args=[quest.pk]),
        reverse("quests:feed"),
        reverse("studygroups:archive"),
        reverse("studygroups:archive") + "?q=窓口",
    ]


def test_every_public_page_is_served_from_the_cache_without_a_query(client, quest, archive_outcome):
    for url in _public_urls(quest):
        rendered, first = _queries(client, url)
        served, second = _queries(client, url)
        assert first.status_code == second.status_code == 200, url
        assert rendered > 0, url
        assert served == 0, url
        assert second.content == first.content, url
        # The layers outside the view still answer as for a rendered page.
        assert second["Content-Language"] == "ja"
        assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]
        assert "Content-Security-Policy" in second
        assert not second.cookies, url


def test_an_anonymous_page_carries_no_csrf_token_and_switches_language_without_one(client):
    page = client.get(reverse("quests:list"))
    assert b"csrfmiddlewaretoken" not in page.content
    assert "csrftoken" not in page.cookies
    strict = type(client)(enforce_csrf_checks=True)
    answer = strict.post(reverse("set_language"), {"language": "en", "next": "/quests/"})
    assert answer.status_code == 302
    assert answer.cookies["django_language"].value == "en"
    assert 'lang="en"' in strict.get(reverse("quests:list")).content.decode()


def test_signed_in_the_language_switch_still_needs_the_token(client, staff_user):
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(staff_user)
    page = strict.get(reverse("quests:list")).content.decode()
    assert "csrfmiddlewaretoken" in page
    assert strict.post(reverse("set_language"), {"language": "en"}).status_code == 403
    token = strict.cookies["csrftoken"].value
    answer = strict.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.preferred_language == "en"


def test_a_write_through_a_service_shows_on_the_next_anonymous_request(
    client, quest, staff_user, company_user
):
    detail = quest.get_absolute_url()
    listing = reverse("quests:list")
    assert "食品ロス削減の試行" in client.get(detail).content.decode()
    assert "食品ロス削減の試行" in client.get(listing).content.decode()
    quest_services.quest_update(
        quest=quest,
        user=staff_user,
        data={"title": "食品ロスを半分にする試行"},
        themes=quest.themes.all(),
        sdg_targets=[],
        co_hosts=[],
    )
    for url in (detail, listing, reverse("home")):
        rendered, page = _queries(client, url)
        assert rendered > 0
        assert "食品ロスを半分にする試行" in page.content.decode()

    # The public Q&A: a question, then the team's answer.
    questions = reverse("quests:questions", args=[quest.pk])
    client.get(questions)
    question = engagement.question_ask(quest=quest, user=company_user, body="予算はありますか。")
    assert "予算はありますか。" in client.get(questions).content.decode()
    engagement.question_answer(question=question, user=staff_user, answer="上限100万円です。")
    assert "上限100万円です。" in client.get(questions).content.decode()

    # A state change: the quest no longer accepts proposals.
    accepting = reverse("quests:list") + "?accepting=on"
    assert "食品ロスを半分にする試行" in client.get(accepting).content.decode()
    quest_services.quest_transition(
        quest=quest, user=staff_user, to_state=Quest.State.SELECTING, comment="", private_note=""
    )
    assert "食品ロスを半分にする試行" not in client.get(accepting).content.decode()


def test_published_results_and_outcomes_show_at_once(
    client, completed_quest, staff_user, archive_outcome, coordinator_user
):
    results = reverse("quests:results", args=[completed_quest.pk])
    assert client.get(results).status_code == 404  # not published: never kept
    trial.results_publish(quest=completed_quest, user=staff_user)
    assert "4.2トン削減" in client.get(results).content.decode()
    assert _queries(client, results)[0] == 0

    archive = reverse("studygroups:archive")
    assert "夜間窓口の試行" in client.get(archive).content.decode()
    outcome_services.outcome_save(
        team=archive_outcome.team,
        user=coordinator_user,
        proposal_title="休日窓口の試行",
        summary="試行",
    )
    page = client.get(archive).content.decode()
    assert "休日窓口の試行" in page and "夜間窓口の試行" not in page


def test_admin_and_script_saves_are_seen_too(client, quest, koriyama, staff_user, region):
    """Model signals, not only the services: an organisation renamed, a person renamed, a
    team member removed, a municipality taken out of its region."""
    detail = quest.get_absolute_url()
    assert "郡山市" in client.get(detail).content.decode()
    koriyama.name = "郡山市役所"
    koriyama.save()
    assert "郡山市役所" in client.get(detail).content.decode()

    account_services.profile_update(user=staff_user, family_name="改名")
    assert "改名 太郎" in client.get(detail).content.decode()

    TeamMember.objects.filter(quest=quest).delete()
    assert "改名 太郎" not in client.get(detail).content.decode()

    by_region = reverse("quests:list") + f"?region={region.pk}"
    assert quest.title in client.get(by_region).content.decode()
    koriyama.regions.remove(region)
    assert quest.title not in client.get(by_region).content.decode()


def test_a_sign_in_does_not_forget_the_pages(client, quest, staff_user):
    url = reverse("quests:list")
    client.get(url)
    staff_user.last_login = timezone.now()
    staff_user.save(update_fields=["last_login"])
    assert _queries(client, url)[0] == 0


def test_the_generation_is_replaced_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    before = page_cache.generations([QUESTS])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pages_changed(QUESTS)
        during = page_cache.generations([QUESTS])
    after = page_cache.generations([QUESTS])
    assert len(callbacks) == 1
    assert len({before, during, after}) == 3


def test_a_signed_in_person_is_never_served_a_kept_page_nor_keeps_one(client, quest, koriyama):
    person = factories.make_member(koriyama, email="secret@city.koriyama.lg.jp", family=SECRET_NAME)
    for i in range(7):
        notify(
            person,
            "membership.approved",
            None,
            context={"organisation": f"団体{i}", "decider": "調整 太郎"},
            key=f"page-cache-{i}",
            email=False,
        )
    urls = _public_urls(quest)[:5]
    for url in urls:
        client.get(url)  # kept for anonymous visitors
    kept_before = len(_kept_entries())

    signed_in = type(client)()
    signed_in.force_login(person)
    for url in urls:
        rendered, page = _queries(signed_in, url)
        assert rendered > 0, url
        html = page.content.decode()
        assert SECRET_NAME in html and '<span class="count"' in html, url
        assert "csrfmiddlewaretoken" in html

    assert len(_kept_entries()) == kept_before
    for raw in _kept_entries():
        assert SECRET_NAME.encode() not in raw
        assert b"csrfmiddlewaretoken" not in raw
        assert b'class="count"' not in raw
    for url in urls:
        served, page = _queries(client, url)
        assert served == 0
        assert SECRET_NAME not in page.content.decode()


def test_a_visitor_with_a_session_or_messages_is_not_served_nor_kept(client, quest):
    url = reverse("quests:list")
    client.get(url)
    client.cookies["sessionid"] = "not-a-session"
    assert _queries(client, url)[0] > 0
    del client.cookies["sessionid"]
    client.cookies["messages"] = "anything"
    assert _queries(client, url)[0] > 0


def test_a_page_with_a_message_is_not_kept(client, quest):
    """A search condition not understood is said in a message: that answer is not kept."""
    url = reverse("quests:list") + "?sort=nonsense"
    first = client.get(url)
    assert 'class="messages"' in first.content.decode()
    assert _queries(client, url)[0] > 0
    assert not any(b"nonsense" in raw for raw in _kept_entries())


def test_responses_setting_a_cookie_or_holding_a_token_or_failing_are_not_kept(db):
    calls = []

    def view(request):
        calls.append(request.path)
        response = HttpResponse(f"<p>{request.path}</p>")
        if request.path == "/cookie/":
            response.set_cookie("visitor", "1")
        elif request.path == "/token/":
            response.content = f'<input value="{get_token(request)}">'.encode()
        elif request.path == "/missing/":
            response.status_code = 404
        return response

    from django.contrib.auth.models import AnonymousUser

    cached = public_page(QUESTS)(view)
    for path in ("/cookie/", "/token/", "/missing/", "/plain/"):
        for _ in range(2):
            request = RequestFactory().get(path)
            request.user = AnonymousUser()
            cached(request)
    assert calls == [
        "/cookie/",
        "/cookie/",
        "/token/",
        "/token/",
        "/missing/",
        "/missing/",
        "/plain/",
    ]


def test_each_language_is_kept_apart(client, quest):
    url = reverse("quests:list")
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="ja"' in japanese.content.decode()
    assert 'lang="en"' in english.content.decode()
    served, again = _queries(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert served == 0 and again.content == english.content
    client.cookies["django_language"] = "en"
    served, by_cookie = _queries(client, url, HTTP_ACCEPT_LANGUAGE="ja")
    assert served == 0 and by_cookie.content == english.content
    del client.cookies["django_language"]
    served, back = _queries(client, url)
    assert served == 0 and back.content == japanese.content


def test_the_query_string_is_part_of_the_key(client, quest):
    first = client.get(reverse("quests:list") + "?state=open")
    other = client.get(reverse("quests:list") + "?state=completed")
    assert quest.title in first.content.decode()
    assert quest.title not in other.content.decode()


def test_a_page_is_never_kept_past_midnight(monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 300
    late = timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0)
    monkeypatch.setattr(page_cache.timezone, "localtime", lambda: late)
    assert page_cache._seconds_to_keep() == 60
    early = late.replace(hour=9)
    monkeypatch.setattr(page_cache.timezone, "localtime", lambda: early)
    assert page_cache._seconds_to_keep() == 300


def test_with_redis_unreachable_pages_are_rendered_and_writes_remembered(
    client, quest, staff_user, settings
):
    url = quest.get_absolute_url()
    client.get(url)
    before = page_cache.generations([QUESTS, DIRECTORY])
    working = settings.CACHES
    settings.CACHES = {
        **working,
        "main_cache": {**working["main_cache"], "LOCATION": f"redis://127.0.0.1:{free_port()}/0"},
    }
    for _ in range(2):
        rendered, page = _queries(client, url)
        assert page.status_code == 200 and rendered > 0
    quest_services.quest_update(
        quest=quest,
        user=staff_user,
        data={"title": "停電中の改題"},
        themes=[],
        sdg_targets=[],
        co_hosts=[],
    )
    assert QUESTS in page_cache._unsent
    assert "停電中の改題" in client.get(url).content.decode()

    # Redis is back: this process replaces the generation it could not, before any read.
    settings.CACHES = working
    from cocreation.core.queue import reset_breakers

    reset_breakers()
    after = page_cache.generations([QUESTS, DIRECTORY])
    assert not page_cache._unsent
    assert after.split(".")[0] != before.split(".")[0]
    assert after.split(".")[1] == before.split(".")[1]
    assert "停電中の改題" in client.get(url).content.decode()


def test_unknown_areas_are_refused():
    with pytest.raises(ImproperlyConfigured):
        public_page("quest")
    with pytest.raises(ValueError):
        pages_changed("quest")


def test_a_question_row_saved_outside_the_services_is_seen(client, quest, company_user):
    url = reverse("quests:questions", args=[quest.pk])
    client.get(url)
    Question.objects.create(
        quest=quest, asked_by=company_user, body="管理画面から", answer="回答済み"
    )
    assert "回答済み" in client.get(url).content.decode()


def test_a_migration_forgets_every_page():
    """The migrate command (every deploy) ends with post_migrate: no page kept before a
    migration or a new release's templates is served after it."""
    from django.core.management.sql import emit_post_migrate_signal

    areas = sorted(page_cache.AREAS)
    before = page_cache.generations(areas).split(".")
    emit_post_migrate_signal(0, False, "default")
    after = page_cache.generations(areas).split(".")
    assert all(old != new for old, new in zip(before, after, strict=True))


@pytest.mark.django_db
def test_a_kept_value_is_computed_once_until_its_area_changes(settings, koriyama):
    """kept_value: the dashboard's aggregates are counted by the first visitor after a
    change and read by the others, signed in or not; a quest saved forgets them."""
    settings.PAGE_CACHE_SECONDS = 300
    calls = []

    def compute():
        calls.append(1)
        return {"quests": len(calls)}

    assert page_cache.kept_value("test", (QUESTS,), compute) == {"quests": 1}
    assert page_cache.kept_value("test", (QUESTS,), compute) == {"quests": 1}
    pages_changed(QUESTS)
    assert page_cache.kept_value("test", (QUESTS,), compute) == {"quests": 2}
    settings.PAGE_CACHE_SECONDS = 0
    assert page_cache.kept_value("test", (QUESTS,), compute) == {"quests": 3}


@pytest.mark.django_db
def test_the_dashboard_counts_once_for_every_visitor(client, settings, staff_user, koriyama):
    settings.PAGE_CACHE_SECONDS = 300
    from tests.quests.factories import make_quest

    quest = make_quest(koriyama, title="食品ロス削減", state="open")
    Quest.objects.filter(pk=quest.pk).update(opened_at=timezone.now())
    pages_changed(QUESTS)
    client.force_login(staff_user)
    first, _ = _queries(client, reverse("dashboard:portal"))
    second, response = _queries(client, reverse("dashboard:portal"))
    assert second < first
    assert "食品ロス" not in response.content.decode()  # figures only, never titles


def test_a_page_varying_on_another_header_than_the_language_is_not_kept(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.utils.cache import patch_vary_headers

    from cocreation.core.page_cache import public_page

    rendered = []

    @public_page(QUESTS)
    def view(request, vary):
        rendered.append(vary)
        response = HttpResponse("same for everyone")
        patch_vary_headers(response, vary)
        return response

    def visit(vary):
        request = rf.get("/kept-or-not/", {"vary": ",".join(vary)})
        request.user = AnonymousUser()
        return view(request, vary)

    for vary in (["Accept-Language", "Cookie"], ["User-Agent"]):
        visit(vary), visit(vary)
    # Kept after the first visit when it varies on the language; never on User-Agent.
    assert rendered == [["Accept-Language", "Cookie"], ["User-Agent"], ["User-Agent"]]


def test_a_page_from_the_cache_is_one_redis_round_trip_on_a_kept_client(client, quest):
    """Django made a redis-py client per cache call (each filling ~170 response callbacks)
    and its page cache read a header list before the page: three calls and three clients
    per kept page. Now: one `MGET` of the generations and the page, on one client."""
    import redis as redis_lib

    url = reverse("quests:list")
    client.get(url)
    main = caches["main_cache"]._cache
    assert main.get_client() is main.get_client()
    sent = []
    original = redis_lib.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis_lib.Redis, "execute_command", counting)
        response = client.get(url)
    assert response.status_code == 200
    assert sent == ["MGET"]
