"""Issue 10 A1: with Redis unreachable, every write succeeds and says so.

The real portal (gunicorn) runs against the test database with `REDIS_URL` pointing at a
closed port; a person signs in, books a seat, a coordinator cancels it, a company asks a
public question and writes in its proposal's thread. No answer is a 500, every change is
saved once, the sign-in limits still hold (counted in the process while Redis is away),
`/healthz` says 503, and the notifications wait in PostgreSQL until the sweeper sends them
once Redis is back.
"""

import datetime as dt
import re

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications import tasks
from cocreation.notifications.models import Notification
from quests.models import ProposalMessage, Question, TeamMember
from spaces.models import Booking
from tests import factories
from tests.notifications.test_worker import queue, worker  # noqa: F401 - fixtures
from tests.processes import free_port, kill_group, portal_env, start, wait_for
from tests.quests import factories as qf
from tests.spaces.conftest import make_space

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "Koriyama-Big-i-6F"
SAVE_MAY_HAVE_FAILED = "保存されていない可能性があります"


@pytest.fixture
def people():
    koriyama = factories.make_municipality()
    region = factories.make_region()
    koriyama.regions.add(region)
    today = timezone.localdate()
    space = make_space(
        koriyama,
        regions=[region],
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=60),
    )
    booker = factories.make_member(koriyama, email="booker@city.koriyama.lg.jp", family="予約")
    coordinator = factories.make_member(
        koriyama, role="coordinator", email="coordinator@city.koriyama.lg.jp", family="調整"
    )
    leader = factories.make_member(koriyama, email="leader@city.koriyama.lg.jp", family="班長")
    quest = qf.make_quest(koriyama, created_by=leader)
    qf.add_to_team(quest, leader, koriyama, TeamMember.Role.LEADER)
    company = factories.make_company()
    proposer = factories.make_member(company, email="sales@foodshare.example.com", family="提案")
    proposal = qf.make_proposal(quest, company, proposer)
    # The portal process checks passwords with the production hasher.
    for user in (booker, coordinator, proposer):
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "bigi6f" + str(user.pk))
        user.save(update_fields=["password"])
    return {
        "space": space,
        "booker": booker,
        "coordinator": coordinator,
        "quest": quest,
        "proposal": proposal,
        "proposer": proposer,
    }


@pytest.fixture
def portal(tmp_path):
    """gunicorn serving the test database, with Redis (cache and broker) unreachable."""
    port = free_port()
    closed = free_port()
    env = portal_env(
        REDIS_URL=f"redis://127.0.0.1:{closed}/0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        SECURE_SSL_REDIRECT="0",
    )
    env.pop("CELERY_BROKER_URL", None)
    log = tmp_path / "gunicorn.log"
    command = [
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--timeout",
        "60",
    ]
    process = start(command, env, log)
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        try:
            requests.get(f"{base}/healthz", timeout=5)
        except requests.ConnectionError:
            return False
        return True

    try:
        assert wait_for(answering, timeout=60), log.read_text()
        yield base, log
    finally:
        kill_group(process)


class Visitor:
    """One browser: a cookie jar, the CSRF token, and every answer it was given."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.answers: list[requests.Response] = []

    def get(self, path: str) -> requests.Response:
        response = self.session.get(self.base + path, timeout=30)
        self.answers.append(response)
        return response

    def post(self, path: str, data: dict) -> requests.Response:
        if "csrftoken" not in self.session.cookies:
            self.get(path)
        data = {**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        response = self.session.post(
            self.base + path, data=data, timeout=30, headers={"Referer": self.base + path}
        )
        self.answers.append(response)
        return response

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        return self.post(reverse("account_login"), {"login": email, "password": password})


def _page(response: requests.Response) -> str:
    assert response.status_code == 200, (response.status_code, response.url)
    assert SAVE_MAY_HAVE_FAILED not in response.text
    return response.text


def _next_friday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)


def test_every_write_succeeds_and_the_mail_waits_for_redis(people, portal, queue, worker):  # noqa: F811
    base, log = portal
    health = requests.get(f"{base}/healthz", timeout=30)
    assert health.status_code == 503
    assert health.json()["redis"].startswith("error")

    # Sign-in works, and says who is signed in.
    booker = Visitor(base)
    assert "予約 太郎" in _page(booker.sign_in("booker@city.koriyama.lg.jp"))

    # A booking is saved once and confirmed on the page.
    space = people["space"]
    friday = _next_friday()
    form = {
        "kind": "seat",
        "date": friday.isoformat(),
        "start_time": "13:00",
        "end_time": "14:00",
        "purpose": "資料作成",
    }
    assert "予約が確定しました" in _page(booker.post(reverse("spaces:book", args=[space.pk]), form))
    booking = Booking.objects.get(space=space)
    assert booking.status == Booking.Status.CONFIRMED

    # A coordinator cancels it; the booker's notification is recorded.
    coordinator = Visitor(base)
    _page(coordinator.sign_in("coordinator@city.koriyama.lg.jp"))
    cancel = reverse("spaces:booking_cancel", args=[booking.pk])
    html = _page(coordinator.post(cancel, {"reason": "設備点検のため"}))
    assert "予約を取り消しました" in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    # A company asks a public question and writes in its proposal's private thread.
    proposer = Visitor(base)
    _page(proposer.sign_in("sales@foodshare.example.com"))
    quest, proposal = people["quest"], people["proposal"]
    _page(
        proposer.post(reverse("quests:questions", args=[quest.pk]), {"body": "予算はありますか。"})
    )
    assert Question.objects.filter(quest=quest).count() == 1
    message = reverse("quests:proposal_message", args=[quest.pk, proposal.pk])
    _page(proposer.post(message, {"body": "店舗の一覧を送ります。"}))
    assert ProposalMessage.objects.filter(proposal=proposal).count() == 1

    # The sign-in limits still hold: counted in the process while Redis is away.
    intruder = Visitor(base)
    for _ in range(6):
        answer = intruder.sign_in("booker@city.koriyama.lg.jp", "wrong-password")
    assert "ログイン失敗が連続しています" in _page(answer)

    every = [booker, coordinator, proposer, intruder]
    assert not [a.url for v in every for a in v.answers if a.status_code >= 500]
    server_log = log.read_text()
    assert "Cache (Redis) unreachable" in server_log
    assert "kept for later" in server_log

    # Each notification waits in PostgreSQL, unqueued; none was lost or doubled.
    waiting = Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
    kinds = sorted(waiting.values_list("kind", flat=True))
    assert kinds == [
        "quest.proposal_message",
        "quest.question_asked",
        "space.booking_cancelled_by_coordinator",
    ]
    assert not waiting.filter(queued_at__isnull=False).exists()

    # Redis is back: the sweeper queues them and a worker sends each once.
    assert tasks.send_unsent_notifications() == 3

    def all_sent() -> bool:
        return not Notification.objects.filter(
            email_status=Notification.EmailStatus.PENDING
        ).exists()

    assert wait_for(all_sent, timeout=30)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "booker@city.koriyama.lg.jp",
        "leader@city.koriyama.lg.jp",
        "leader@city.koriyama.lg.jp",
    ]
    assert re.search(
        r"設備点検のため", mail.outbox[0].body + mail.outbox[1].body + mail.outbox[2].body
    )
