"""Issue 12 (fan-out): notify_many tells thousands of people with a few statements, and
their mails go out in batches, one SMTP connection per batch, each mail on its own.

The SMTP server is a real one (aiosmtpd, in this process) that counts the connections it
accepts and can refuse chosen recipients, as a mail relay does with 550 (no such user) or
451 (greylisting); Django's SMTP backend talks to it, so a refusal reaches the batch as
smtplib raises it, and the connection count is the server's own, not the backend's
opinion of it.
"""

import email
import logging
import threading

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from cocreation.accounts.models import User
from cocreation.notifications import services, tasks
from cocreation.notifications.models import Notification
from cocreation.notifications.services import Delivery
from tests import factories
from tests.notifications.test_notify import CONTEXT
from tests.processes import free_port

pytestmark = pytest.mark.django_db

KIND = "membership.declined"


class CountingSmtpServer:
    """Counts connections and keeps each message (Message-ID, recipient); answers RCPT or
    DATA for chosen recipients with a chosen refusal."""

    def __init__(self) -> None:
        self.connections = 0
        self.received: list[tuple[str, str]] = []
        self.refuse_rcpt: dict[str, str] = {}
        self.refuse_data: dict[str, str] = {}
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        address = envelope.rcpt_tos[0]
        if address in self.refuse_data:
            return self.refuse_data[address]
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.received.append((message["Message-ID"], address))
        return "250 Message accepted for delivery"


class _CountingSMTP(SMTP):
    def connection_made(self, transport):
        self.event_handler.connections += 1
        super().connection_made(transport)


class _CountingController(Controller):
    def factory(self):
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def smtp(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingSmtpServer()
    controller = _CountingController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.connections = 0  # the controller's own check that it is up
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.fixture
def queued(monkeypatch):
    """The batches handed to the broker (a list of id lists), in order."""
    batches = []
    monkeypatch.setattr(tasks.send_notification_emails, "delay", batches.append)
    return batches


def _people(count, *, start=0, language="ja"):
    """`count` users made in one statement (the people, not their making, are under test)."""
    return User.objects.bulk_create(
        User(
            email=f"person{start + n}@city.koriyama.lg.jp",
            family_name="職員",
            given_name=str(start + n),
            preferred_language=language,
        )
        for n in range(count)
    )


def _fan_out(recipients, prefix="fanout-test", **extra):
    return services.notify_many(recipients, KIND, context=CONTEXT, key_prefix=prefix, **extra)


def test_twice_tells_each_person_once(queued, django_capture_on_commit_callbacks):
    people = _people(30)
    with django_capture_on_commit_callbacks(execute=True):
        assert _fan_out(User.objects.filter(pk__in=[p.pk for p in people])) == 30
        assert _fan_out(people) == 0
        # A person named twice in one call is told once too.
        assert _fan_out([people[0], people[0]], prefix="fanout-other") == 1
    assert Notification.objects.filter(key__startswith="fanout-test|").count() == 30
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"fanout-test|{people[0].pk}" in keys
    # Only the new mails were queued, each once.
    queued_ids = [pk for batch in queued for pk in batch]
    assert sorted(queued_ids) == sorted(Notification.objects.values_list("pk", flat=True))


def test_the_default_key_is_notifys_so_a_loop_and_a_fan_out_agree(queued):
    person = _people(1)[0]
    single = services.notify(person, KIND, person, context=CONTEXT)
    assert services.notify_many([person], KIND, person, context=CONTEXT) == 0
    assert Notification.objects.get() == single


def test_each_person_reads_it_in_their_language_with_the_object_and_link(queued):
    japanese = _people(2)
    english = _people(2, start=10, language="en")
    region = factories.make_region()
    services.notify_many(japanese + english, KIND, region, context=CONTEXT, url="/organisations/")
    for note in Notification.objects.filter(recipient__in=japanese):
        assert note.title == "郡山市 への参加申請は承認されませんでした"
        assert note.language == "ja"
    for note in Notification.objects.filter(recipient__in=english):
        assert note.title.startswith("Your request to join 郡山市")
        assert note.language == "en"
    note = Notification.objects.filter(recipient=english[0]).get()
    assert note.target == region
    assert note.url == "/organisations/"
    assert note.email_status == Notification.EmailStatus.PENDING
    assert note.queued_at is not None


def test_people_without_an_address_and_kinds_not_mailed_are_not_queued(queued):
    person = _people(1)[0]
    User.objects.filter(pk=person.pk).update(email="")
    without_address = User.objects.filter(pk=person.pk)
    services.notify_many(without_address, KIND, context=CONTEXT, key_prefix="a")
    services.notify_many(_people(1, start=5), KIND, context=CONTEXT, key_prefix="b", email=False)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"not_sent"}
    assert queued == []


def _queries_to_tell(count, settings) -> int:
    people = _people(count, start=count * 1000)
    recipients = User.objects.filter(pk__in=[p.pk for p in people])
    with CaptureQueriesContext(connection) as queries:
        _fan_out(recipients, prefix=f"size-{count}")
    return len(queries)


def test_queries_do_not_grow_with_the_people(queued, settings):
    assert _queries_to_tell(20, settings) == _queries_to_tell(200, settings) == 2


def test_the_people_are_read_and_written_in_chunks(
    queued, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "RECIPIENT_CHUNK", 50)
    settings.NOTIFICATION_EMAIL_BATCH = 40
    people = _people(120)
    recipients = User.objects.filter(pk__in=[p.pk for p in people])
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        assert _fan_out(recipients) == 120
    # 3 pages of people (50, 50, 20), each read and inserted with one statement.
    assert len(queries) == 6
    # Each chunk's mails in tasks of at most 40.
    assert [len(batch) for batch in queued] == [40, 10, 40, 10, 20]


def test_the_sweeper_queues_due_mails_in_batches(queued, settings):
    settings.NOTIFICATION_EMAIL_BATCH = 40
    _fan_out(_people(100))
    Notification.objects.update(queued_at=None)
    queued.clear()
    assert tasks.send_unsent_notifications() == 100
    assert [len(batch) for batch in queued] == [40, 40, 20]
    assert tasks.send_unsent_notifications() == 0


def test_with_the_broker_away_the_mails_wait_for_the_sweeper(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_away(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_notification_emails, "delay", broker_away)
    with django_capture_on_commit_callbacks(execute=True):
        assert _fan_out(_people(30)) == 30  # saved, and says so
    assert not Notification.objects.filter(queued_at__isnull=False).exists()

    # Redis is back (and its breaker closed again): the next sweep queues every mail.
    from cocreation.core.queue import reset_breakers

    reset_breakers()
    batches = []
    monkeypatch.setattr(tasks.send_notification_emails, "delay", batches.append)
    assert tasks.send_unsent_notifications() == 30
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )


def _pending_ids(count):
    _fan_out(_people(count))
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


def test_a_batch_goes_over_one_connection_with_each_mails_message_id(smtp, queued):
    ids = _pending_ids(30)
    results = services.email_deliver_batch(notification_ids=ids)
    assert set(results.values()) == {Delivery.SENT}
    assert smtp.connections == 1
    assert len(smtp.received) == 30
    expected = {
        services.message_id(n): n.recipient.email
        for n in Notification.objects.select_related("recipient")
    }
    assert dict(smtp.received) == expected
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {("sent", 1)}
    # A repeated task sends nothing again.
    assert set(services.email_deliver_batch(notification_ids=ids).values()) == {Delivery.SKIPPED}
    assert len(smtp.received) == 30


def test_a_refused_recipient_fails_only_that_mail(smtp, queued):
    ids = _pending_ids(10)
    smtp.refuse_rcpt["person3@city.koriyama.lg.jp"] = "550 5.1.1 No such user"
    results = services.email_deliver_batch(notification_ids=ids)
    refused = Notification.objects.get(recipient__email="person3@city.koriyama.lg.jp")
    assert results[refused.pk] is Delivery.GAVE_UP
    refused.refresh_from_db()
    assert refused.email_status == Notification.EmailStatus.FAILED
    assert "550" in refused.last_error
    assert Notification.objects.filter(email_status="sent").count() == 9
    assert len(smtp.received) == 9
    assert smtp.connections == 1


def test_a_greylisted_mail_is_tried_again_and_the_rest_are_sent(smtp, queued):
    ids = _pending_ids(10)
    address = "person4@city.koriyama.lg.jp"
    smtp.refuse_rcpt[address] = "451 4.7.1 Greylisted, try again later"
    results = services.email_deliver_batch(notification_ids=ids)
    later = Notification.objects.get(recipient__email=address)
    assert results[later.pk] is Delivery.RETRY_LATER
    later.refresh_from_db()
    assert later.email_status == Notification.EmailStatus.PENDING
    assert later.next_attempt_at > timezone.now()
    assert later.lease_until is None
    assert Notification.objects.filter(email_status="sent").count() == 9

    # When the attempt is due the sweeper queues it, and the next batch sends it.
    del smtp.refuse_rcpt[address]
    Notification.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now())
    queued.clear()
    assert tasks.send_unsent_notifications() == 1
    assert queued == [[later.pk]]
    assert services.email_deliver_batch(notification_ids=queued[0]) == {later.pk: Delivery.SENT}
    later.refresh_from_db()
    assert later.email_attempts == 2
    assert len(smtp.received) == 10


def test_a_server_closing_the_connection_costs_one_mail_and_the_rest_go_on_a_new_one(smtp, queued):
    ids = _pending_ids(10)
    address = "person2@city.koriyama.lg.jp"
    # 421: the server closes the channel (smtplib closes its side too).
    smtp.refuse_data[address] = "421 4.3.2 Service shutting down"
    results = services.email_deliver_batch(notification_ids=ids)
    cut = Notification.objects.get(recipient__email=address)
    assert results[cut.pk] is Delivery.RETRY_LATER
    assert Notification.objects.filter(email_status="sent").count() == 9
    assert smtp.connections == 2


def test_no_server_puts_every_mail_of_the_batch_back_for_its_next_attempt(settings, queued):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens
    ids = _pending_ids(5)
    results = services.email_deliver_batch(notification_ids=ids)
    assert set(results.values()) == {Delivery.RETRY_LATER}
    for note in Notification.objects.all():
        assert note.email_status == Notification.EmailStatus.PENDING
        assert note.email_attempts == 1
        assert note.lease_until is None
        assert note.next_attempt_at > timezone.now()
        assert "Connection refused" in note.last_error or "111" in note.last_error


def test_a_long_batch_renews_its_lease_only_on_the_mails_it_still_holds(queued, settings):
    ids = _pending_ids(3)
    lease = services._Lease.claim(ids)
    assert lease.ids == set(ids)
    # Another worker took the first one after this lease had run out.
    Notification.objects.filter(pk=ids[0]).update(lease_until=timezone.now())
    lease.renew_at = 0
    waiting = list(Notification.objects.order_by("pk"))
    assert lease.renew_if_due(waiting) == set(ids[1:])
    held = Notification.objects.filter(pk__in=ids[1:]).values_list("lease_until", flat=True)
    assert set(held) == {lease.until}


def test_a_mail_claimed_by_another_batch_is_skipped(queued):
    ids = _pending_ids(4)
    first = services._Lease.claim(ids[:2])
    assert first.ids == set(ids[:2])
    second = services._Lease.claim(ids)
    assert second.ids == set(ids[2:])


class _Killed(BaseException):
    """Stands for the worker process dying: nothing after it runs in the batch."""


class DyingBackend(LocmemBackend):
    """Takes `lives` mails, then the process "dies" on every further one."""

    lives = 5

    def send_messages(self, messages):
        if len(mail.outbox) >= DyingBackend.lives:
            raise _Killed
        return super().send_messages(messages)


class FaultyBackend(LocmemBackend):
    """A fault of the backend itself (not the server's answer) on one recipient's mail."""

    def send_messages(self, messages):
        if messages[0].to == ["person1@city.koriyama.lg.jp"]:
            raise ValueError("backend bug")
        return super().send_messages(messages)


def test_a_batch_cut_short_leaves_the_rest_to_the_sweeper_and_sends_none_twice(
    settings, queued, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.notifications.test_fanout.DyingBackend"
    monkeypatch.setattr(DyingBackend, "lives", 5)
    ids = _pending_ids(10)
    with pytest.raises(_Killed):
        services.email_deliver_batch(notification_ids=ids)
    assert len(mail.outbox) == 5
    sent = set(Notification.objects.filter(email_status="sent").values_list("pk", flat=True))
    assert len(sent) == 5
    # The rest keep the dead batch's lease: nobody takes them before it runs out …
    assert tasks.send_unsent_notifications(0) == 0
    Notification.objects.exclude(pk__in=sent).update(lease_until=timezone.now())
    # … then the sweeper queues them, and they are sent once each.
    queued.clear()
    assert tasks.send_unsent_notifications(0) == 5
    monkeypatch.setattr(DyingBackend, "lives", 100)
    for batch in queued:
        services.email_deliver_batch(notification_ids=batch)
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(message_ids) == len(set(message_ids)) == 10
    assert Notification.objects.filter(email_status="sent").count() == 10


def test_a_fault_of_the_backend_gives_up_that_mail_only(settings, queued):
    settings.EMAIL_BACKEND = "tests.notifications.test_fanout.FaultyBackend"
    ids = _pending_ids(4)
    results = services.email_deliver_batch(notification_ids=ids)
    faulty = Notification.objects.get(recipient__email="person1@city.koriyama.lg.jp")
    assert results[faulty.pk] is Delivery.GAVE_UP
    assert "backend bug" in Notification.objects.get(pk=faulty.pk).last_error
    assert Notification.objects.filter(email_status="sent").count() == 3
