"""Issue 13: companies follow themes, SDG targets, municipalities and networks, and receive
a plain-text digest of new quests about them, once per JST day or ISO week, with a
one-step unsubscribe from the mail itself."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.notifications.models import Notification
from cocreation.notifications.services import build_email, email_deliver_batch
from cocreation.organisations.models import Membership, Organisation
from quests.errors import QuestError
from quests.models import DigestSubscription, Follow, Quest, QuestCoHost, SdgTarget, Theme
from quests.services import follows as services
from tests import factories
from tests.parallel import at_once
from tests.quests import factories as qf

JST = ZoneInfo("Asia/Tokyo")
# Monday 30 November 2026, 08:00 JST: the daily digest of Sunday the 29th and the weekly
# digest of 23–29 November (ISO week 48) are due.
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=JST)
SUNDAY_NOON = dt.datetime(2026, 11, 29, 12, 0, tzinfo=JST)
KIND = "quest.follow_digest"


def _opened(quest, at):
    Quest.objects.filter(pk=quest.pk).update(opened_at=at)
    return quest


def _follow(user, kind, target, frequency="daily"):
    follow = services.follow_add(user=user, kind=kind, target_id=target.pk)
    services.digest_frequency_set(user=user, frequency=frequency)
    return follow


def _digests():
    return Notification.objects.filter(kind=KIND).order_by("recipient_id")


def _food_loss():
    theme, _ = Theme.objects.get_or_create(slug="food-loss", defaults={"name": "食品ロス"})
    return theme


# --- who may follow ----------------------------------------------------------------

PAGE_OUTCOME = {
    "anonymous": "login",
    "no_org_user": 403,
    "staff_user": 403,
    "coordinator_user": 403,
    "site_admin": 403,
    "company_user": 200,
    "org_admin_user": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(PAGE_OUTCOME))
def test_following_page_and_follow_by_role(client, request, role, koriyama):
    expected = PAGE_OUTCOME[role]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("quests:following"))
    follow = client.post(
        reverse("quests:follow_add", args=["municipality"]), {"target": koriyama.pk}
    )
    frequency = client.post(reverse("quests:digest_frequency"), {"frequency": "daily"})
    if expected == "login":
        for response in (page, follow, frequency):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
    elif expected == 403:
        assert (page.status_code, follow.status_code, frequency.status_code) == (403, 403, 403)
        assert "このページを開くことはできません" in page.content.decode()
    else:
        assert page.status_code == 200
        assert follow.status_code == 302
        assert frequency.status_code == 302
    assert Follow.objects.count() == (1 if expected == 200 else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["university", "intermediary", "other"])
def test_members_of_other_non_municipal_organisations_may_follow(kind, koriyama):
    organisation = Organisation.objects.create(kind=kind, name=f"{kind} 法人")
    user = factories.make_member(organisation)
    follow = services.follow_add(user=user, kind="municipality", target_id=koriyama.pk)
    assert follow.target == koriyama


@pytest.mark.django_db
def test_pending_or_former_company_members_may_not_follow(company, koriyama):
    pending = factories.make_member(company, status="pending")
    with pytest.raises(QuestError):
        services.follow_add(user=pending, kind="municipality", target_id=koriyama.pk)


@pytest.mark.django_db
def test_a_municipality_is_followed_as_a_municipality_only(company_user, company):
    # A company is not something to follow, under any kind.
    with pytest.raises(QuestError) as refusal:
        services.follow_add(user=company_user, kind="municipality", target_id=company.pk)
    assert refusal.value.field == "target"
    with pytest.raises(QuestError):
        services.follow_add(user=company_user, kind="bogus", target_id=company.pk)


# --- following and unfollowing -----------------------------------------------------


@pytest.mark.django_db
def test_follow_twice_is_one_follow_and_starts_a_weekly_digest(client, company_user):
    theme = _food_loss()
    client.force_login(company_user)
    url = reverse("quests:follow_add", args=["theme"])
    client.post(url, {"target": theme.pk})
    client.post(url, {"target": f"{theme.pk}"}, HTTP_X_REQUESTED="again")
    assert Follow.objects.filter(user=company_user).count() == 1
    assert DigestSubscription.objects.get(user=company_user).frequency == "weekly"
    page = client.get(reverse("quests:following")).content.decode()
    assert theme.name in page
    assert "フォロー解除" in page


@pytest.mark.django_db
def test_an_unknown_target_is_refused_next_to_the_field_with_the_page_kept(client, company_user):
    client.force_login(company_user)
    response = client.post(reverse("quests:follow_add", args=["sdg_target"]), {"target": 999999})
    assert response.status_code == 400
    page = response.content.decode()
    assert "一覧から選んでください" in page
    assert 'id="id_sdg_target_target_error"' in page
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_follow_button_on_the_municipality_and_network_pages(client, company_user, koriyama):
    client.force_login(company_user)
    page = reverse("organisations:detail", args=[koriyama.pk])
    assert reverse("quests:follow_add", args=["municipality"]) in client.get(page).content.decode()
    response = client.post(
        reverse("quests:follow_add", args=["municipality"]),
        {"target": koriyama.pk, "next": page},
    )
    assert response["Location"] == page
    follow = Follow.objects.get(user=company_user)
    assert reverse("quests:follow_remove", args=[follow.pk]) in client.get(page).content.decode()
    region = koriyama.regions.get()
    region_page = client.get(reverse("organisations:region", args=[region.slug])).content.decode()
    assert reverse("quests:follow_add", args=["region"]) in region_page
    # An outside `next` is not followed.
    response = client.post(
        reverse("quests:follow_remove", args=[follow.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("quests:following")
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_no_follow_button_for_municipal_staff(client, staff_user, koriyama):
    client.force_login(staff_user)
    page = client.get(reverse("organisations:detail", args=[koriyama.pk])).content.decode()
    assert reverse("quests:follow_add", args=["municipality"]) not in page


@pytest.mark.django_db
def test_someone_elses_follow_cannot_be_removed(client, company_user, koriyama, other_company_user):
    follow = services.follow_add(user=company_user, kind="municipality", target_id=koriyama.pk)
    client.force_login(other_company_user)
    client.post(reverse("quests:follow_remove", args=[follow.pk]))
    assert Follow.objects.filter(pk=follow.pk).exists()


@pytest.mark.django_db
def test_a_second_unfollow_says_it_is_already_done(client, company_user, koriyama):
    # A double click is taken once (cocreation/core/once.py says so); a second unfollow
    # sent later (the back button, another tab) finds nothing to remove and must read as
    # "already done", not as a refusal ("not following").
    follow = services.follow_add(user=company_user, kind="municipality", target_id=koriyama.pk)
    client.force_login(company_user)
    url = reverse("quests:follow_remove", args=[follow.pk])
    client.post(url, {"next": reverse("quests:following")})
    response = client.post(url, {"next": reverse("quests:list")}, follow=True)
    assert response.status_code == 200
    assert "このフォローはすでに解除されています。" in response.content.decode()
    assert not Follow.objects.filter(pk=follow.pk).exists()


# --- periods in JST ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "frequency", "key", "start"),
    [
        # From 07:00 JST the day before is due; before it, the day before that.
        (dt.datetime(2026, 11, 30, 7, 0, tzinfo=JST), "daily", "daily-2026-11-29", (11, 29)),
        (dt.datetime(2026, 11, 30, 6, 59, tzinfo=JST), "daily", "daily-2026-11-28", (11, 28)),
        # 2026-11-29 22:30 UTC is 07:30 JST on the 30th.
        (dt.datetime(2026, 11, 29, 22, 30, tzinfo=dt.UTC), "daily", "daily-2026-11-29", (11, 29)),
        # Weekly: Monday 07:00 JST onwards, the ISO week that ended on Sunday.
        (dt.datetime(2026, 11, 30, 7, 0, tzinfo=JST), "weekly", "weekly-2026-W48", (11, 23)),
        (dt.datetime(2026, 12, 6, 23, 59, tzinfo=JST), "weekly", "weekly-2026-W48", (11, 23)),
        (dt.datetime(2026, 11, 30, 6, 59, tzinfo=JST), "weekly", "weekly-2026-W47", (11, 16)),
    ],
)
def test_due_period_in_jst(now, frequency, key, start):
    period = services.due_period(frequency, now)
    assert period.key == key
    assert period.start == dt.datetime(2026, *start, tzinfo=JST)
    assert period.end - period.start == dt.timedelta(days=1 if frequency == "daily" else 7)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opened", "frequency", "listed"),
    [
        (dt.datetime(2026, 11, 29, 0, 0, tzinfo=JST), "daily", True),
        (dt.datetime(2026, 11, 29, 23, 59, 59, tzinfo=JST), "daily", True),
        # 23:59 JST on the 28th is 14:59 UTC: the 28th in JST, not in the digest of the 29th.
        (dt.datetime(2026, 11, 28, 23, 59, 59, tzinfo=JST), "daily", False),
        # Midnight JST starts the 30th (15:00 UTC on the 29th).
        (dt.datetime(2026, 11, 29, 15, 0, tzinfo=dt.UTC), "daily", False),
        (dt.datetime(2026, 11, 23, 0, 0, tzinfo=JST), "weekly", True),
        (dt.datetime(2026, 11, 22, 23, 59, 59, tzinfo=JST), "weekly", False),
        (dt.datetime(2026, 11, 30, 0, 0, tzinfo=JST), "weekly", False),
    ],
)
def test_period_boundaries_in_jst(quest, company_user, koriyama, opened, frequency, listed):
    _opened(quest, opened)
    _follow(company_user, "municipality", koriyama, frequency)
    assert services.digest_send(frequency=frequency, now=NOW) == (1 if listed else 0)


# --- the digest --------------------------------------------------------------------


@pytest.mark.django_db
def test_digest_is_plain_text_listing_what_matches_and_why(quest, company_user, koriyama):
    theme = _food_loss()
    quest.themes.add(theme)
    target = SdgTarget.objects.get(code="12.3")
    quest.sdg_targets.add(target)
    _opened(quest, SUNDAY_NOON)
    other = _opened(qf.make_quest(koriyama, title="子育て支援アプリの検討"), SUNDAY_NOON)
    other.themes.clear()
    _follow(company_user, "theme", theme)
    _follow(company_user, "sdg_target", target)
    assert services.digests_send(now=NOW) == {"daily": 1, "weekly": 0}
    digest = _digests().get()
    assert digest.recipient == company_user
    assert digest.key == f"{KIND}|daily-2026-11-29|{company_user.pk}"
    assert "2026年11月29日(日)" in digest.title
    body = digest.body
    assert quest.title in body and other.title not in body
    assert f"/quests/{quest.pk}/" in body
    assert f"フォロー中: {theme.name}、SDG 12.3" in body
    assert "提案締切" in body
    assert re.search(r"/quests/following/unsubscribe/[^/\s]+/", body)
    assert "<" not in body and "href" not in body
    message = build_email(digest)
    assert "http://" in message.body and "/quests/following/unsubscribe/" in message.body


@pytest.mark.django_db
def test_co_host_and_network_follows_match(quest, company_user, tamura, region):
    QuestCoHost.objects.create(quest=quest, organisation=tamura)
    _opened(quest, SUNDAY_NOON)
    colleague = factories.make_member(company_user.memberships.get().organisation)
    _follow(company_user, "municipality", tamura)
    _follow(colleague, "region", region, "weekly")
    assert services.digests_send(now=NOW) == {"daily": 1, "weekly": 1}
    assert "フォロー中: 田村市" in _digests().get(recipient=company_user).body
    assert "フォロー中: こおりやま広域圏" in _digests().get(recipient=colleague).body


@pytest.mark.django_db
def test_no_digest_when_nothing_new_or_off_or_no_longer_a_member(
    quest, company_user, koriyama, other_company_user
):
    _opened(quest, SUNDAY_NOON)
    _follow(company_user, "municipality", koriyama, "off")
    _follow(other_company_user, "municipality", koriyama)
    Membership.objects.filter(user=other_company_user).update(status="left")
    assert services.digests_send(now=NOW) == {"daily": 0, "weekly": 0}
    Membership.objects.filter(user=other_company_user).update(status="active")
    Quest.objects.filter(pk=quest.pk).update(state=Quest.State.CANCELLED)
    assert services.digests_send(now=NOW) == {"daily": 0, "weekly": 0}
    assert not _digests().exists()


@pytest.mark.django_db
def test_english_readers_get_the_digest_in_english(quest, company_user, koriyama):
    company_user.preferred_language = "en"
    company_user.save(update_fields=["preferred_language"])
    _opened(quest, SUNDAY_NOON)
    _follow(company_user, "municipality", koriyama)
    services.digests_send(now=NOW)
    digest = _digests().get()
    assert "Sun 29 Nov 2026" in digest.title
    assert "You follow: 郡山市" in digest.body


@pytest.mark.django_db
def test_runs_again_send_nothing_more(quest, company_user, koriyama):
    _opened(quest, SUNDAY_NOON)
    _follow(company_user, "municipality", koriyama)
    assert services.digests_send(now=NOW)["daily"] == 1
    assert services.digests_send(now=NOW)["daily"] == 0
    assert services.digests_send(now=NOW + dt.timedelta(hours=5))["daily"] == 0
    # The next day is a new period: the quest opened on the 29th is not new any more.
    assert services.digests_send(now=NOW + dt.timedelta(days=1))["daily"] == 0
    assert _digests().count() == 1


def _world(n, koriyama, tamura, region):
    """`n` followers of each kind (half daily, half weekly) and three new quests."""
    theme = _food_loss()
    company = factories.make_company(f"株式会社フォロー{n}")
    for i in range(n):
        user = factories.make_member(company, email=f"f{n}-{i}@follow.example.com")
        frequency = "daily" if i % 2 else "weekly"
        _follow(user, "theme", theme, frequency)
        _follow(user, "municipality", koriyama if i % 3 else tamura, frequency)
        _follow(user, "region", region, frequency)
    for title in ("食品ロス A", "食品ロス B", "食品ロス C"):
        quest = _opened(qf.make_quest(koriyama, title=title), SUNDAY_NOON)
        quest.themes.add(theme)


@pytest.mark.django_db
def test_building_the_digest_does_not_query_per_follower(koriyama, tamura, region):
    counts = []
    for n in (4, 40):
        _world(n, koriyama, tamura, region)
        Notification.objects.filter(kind=KIND).delete()
        with CaptureQueriesContext(connection) as queries:
            sent = services.digests_send(now=NOW)
        assert sum(sent.values()) == Follow.objects.values("user").distinct().count()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # A few queries per digest source (new quests, new desks, board results), not per person.
    assert counts[0] <= 26


# --- unsubscribing in one step -------------------------------------------------------


@pytest.mark.django_db
def test_unsubscribe_link_shows_one_button_and_a_post_turns_the_digest_off(company_user, koriyama):
    _follow(company_user, "municipality", koriyama)
    url = services.unsubscribe_path(company_user.pk)
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200
    main = page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count('type="submit"') == 1
    assert DigestSubscription.objects.get(user=company_user).frequency == "daily"
    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DigestSubscription.objects.get(user=company_user).frequency == "off"
    assert Follow.objects.filter(user=company_user).count() == 1
    again = anonymous.post(url)
    assert again.status_code == 200
    assert "受け取りません" in anonymous.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], "1", 1),
        lambda token: token.split(":")[0],
        lambda token: "x" * 43,
    ],
)
def test_a_tampered_unsubscribe_token_is_refused(company_user, other_company_user, tamper):
    services.digest_frequency_set(user=company_user, frequency="daily")
    services.digest_frequency_set(user=other_company_user, frequency="daily")
    token = services.unsubscribe_token(company_user.pk)
    url = reverse("quests:follow_unsubscribe", args=[tamper(token)])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 400
    response = client.post(url)
    assert response.status_code == 400
    assert "無効" in response.content.decode()
    assert set(DigestSubscription.objects.values_list("frequency", flat=True)) == {"daily"}


@pytest.mark.django_db
def test_the_mail_carries_one_click_unsubscribe_headers(quest, company_user, koriyama, settings):
    _opened(quest, SUNDAY_NOON)
    _follow(company_user, "municipality", koriyama)
    services.digests_send(now=NOW)
    digest = _digests().get()
    email_deliver_batch(notification_ids=[digest.pk])
    message = mail.outbox[-1]
    unsubscribe = services.unsubscribe_path(company_user.pk)
    assert message.extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL}{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{settings.SITE_URL}{unsubscribe}" in message.body
    # RFC 8058: the mail program POSTs to the address of the header, without a session.
    Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert DigestSubscription.objects.get(user=company_user).frequency == "off"


# --- exactly once, even at once ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_beat_running_in_parallel_sends_each_digest_once(koriyama):
    theme = _food_loss()
    company = factories.make_company("株式会社並行")
    users = [factories.make_member(company, email=f"p{i}@parallel.example.com") for i in range(6)]
    for user in users:
        _follow(user, "theme", theme)
        _follow(user, "municipality", koriyama)
    quest = _opened(qf.make_quest(koriyama, title="並行 食品ロス"), SUNDAY_NOON)
    quest.themes.add(theme)
    results = at_once(lambda: services.digests_send(now=NOW), 4)
    assert sum(result["daily"] for result in results) == 6
    assert _digests().count() == 6
    assert Notification.objects.filter(kind=KIND).values("recipient").distinct().count() == 6


@pytest.mark.django_db
def test_following_page_costs_the_same_with_2_and_20_follows(client, company_user, koriyama):
    client.force_login(company_user)
    themes = list(Theme.objects.all()[:10])
    targets = list(SdgTarget.objects.all()[:10])
    # The choice lists are kept after a first view (quests.selectors.follows.follow_choices).
    client.get(reverse("quests:following"))
    counts = []
    for n in (1, 10):
        for theme, target in zip(themes[:n], targets[:n], strict=True):
            services.follow_add(user=company_user, kind="theme", target_id=theme.pk)
            services.follow_add(user=company_user, kind="sdg_target", target_id=target.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("quests:following")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_the_quest_list_links_to_the_following_page_for_those_who_may_follow(
    client, company_user, staff_user
):
    link = f'href="{reverse("quests:following")}"'
    client.force_login(company_user)
    assert link in client.get(reverse("quests:list")).content.decode()
    client.force_login(staff_user)
    assert link not in client.get(reverse("quests:list")).content.decode()


@pytest.mark.django_db
def test_notify_many_writes_each_persons_own_text_in_one_statement(
    company_user, other_company_user, staff_user
):
    from cocreation.notifications.services import notify_many

    people = [company_user, other_company_user, staff_user]
    with CaptureQueriesContext(connection) as queries:
        created = notify_many(
            people,
            KIND,
            context={"period": "共通", "digest": "共通の本文"},
            key_prefix=f"{KIND}|test",
            contexts={
                company_user.pk: {"digest": "食品の本文"},
                other_company_user.pk: {"digest": "みらいの本文", "period": "個別"},
            },
        )
    assert created == 3
    inserts = [q for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 1
    bodies = dict(_digests().values_list("recipient_id", "body"))
    assert bodies == {
        company_user.pk: "食品の本文",
        other_company_user.pk: "みらいの本文",
        staff_user.pk: "共通の本文",
    }
    assert "個別" in Notification.objects.get(recipient=other_company_user).title


@pytest.mark.django_db
def test_the_beat_task_runs_the_digests_every_hour(quest, company_user, koriyama, settings):
    from quests.tasks import send_follow_digests

    _follow(company_user, "municipality", koriyama)
    assert set(send_follow_digests.run()) == {"daily", "weekly"}
    entry = settings.CELERY_BEAT_SCHEDULE["quests-send-follow-digests"]
    assert entry["task"] == send_follow_digests.name
    assert entry["schedule"].minute == {10} and len(entry["schedule"].hour) == 24
