"""A double click makes one thing: OnceMiddleware runs an identical signed-in POST once,
settled by PostgreSQL (INSERT … ON CONFLICT on the fingerprint), proven with parallel
requests on real connections."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from cocreation.core.models import RequestFingerprint
from tests import factories
from tests.parallel import parallel_posts


@pytest.fixture(autouse=True)
def _once_urls(settings):
    settings.ROOT_URLCONF = "tests.core.once_urls"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_five_identical_parallel_posts_make_one_row_and_all_land_on_it():
    user = factories.make_user("double@example.test")
    responses = parallel_posts([(_client(user), "/create/", {"name": "会議"}) for _ in range(5)])
    assert Group.objects.count() == 1
    made = f"/made/{Group.objects.get().pk}/"
    assert [r.status_code for r in responses] == [302] * 5
    assert {r["Location"] for r in responses} == {made}


@pytest.mark.django_db(transaction=True)
def test_different_content_or_another_user_is_not_a_duplicate():
    first, second = factories.make_user("a@example.test"), factories.make_user("b@example.test")
    parallel_posts(
        [
            (_client(first), "/create/", {"name": "会議"}),
            (_client(first), "/create/", {"name": "打合せ"}),
            (_client(second), "/create/", {"name": "会議"}),
        ]
    )
    assert Group.objects.count() == 3


@pytest.mark.django_db
def test_the_duplicate_is_told_it_was_saved_once(client):
    client.force_login(factories.make_user("told@example.test"))
    client.post("/create/", {"name": "x"})
    response = client.post("/create/", {"name": "x"}, follow=False)
    assert Group.objects.count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["同じ内容が2回送信されました。1回分だけ受け付けて保存しています。"]


@pytest.mark.django_db
def test_a_refused_submission_can_be_sent_again(client):
    client.force_login(factories.make_user("again@example.test"))
    assert client.post("/refuse/", {"name": "x"}).status_code == 400
    assert client.post("/refuse/", {"name": "x"}).status_code == 400
    assert not RequestFingerprint.objects.exists()


@pytest.mark.django_db
def test_a_refusal_by_redirect_with_an_error_message_frees_the_claim(client):
    client.force_login(factories.make_user("refused@example.test"))
    client.post("/refuse-by-redirect/", {"name": "x"})
    again = client.post("/refuse-by-redirect/", {"name": "x"})
    assert [str(m) for m in again.wsgi_request._messages._queued_messages] == [
        "締切を過ぎています。"
    ]
    assert not RequestFingerprint.objects.exists()


@pytest.mark.django_db
def test_a_failed_view_keeps_none_of_its_writes_and_frees_the_claim():
    client = Client(raise_request_exception=False)
    client.force_login(factories.make_user("fail@example.test"))
    assert client.post("/fail/", {"name": "x"}).status_code == 500
    assert not Group.objects.exists()
    assert not RequestFingerprint.objects.exists()


@pytest.mark.django_db
def test_after_the_window_the_same_content_is_a_new_submission(client, settings):
    settings.ONCE_WINDOW_SECONDS = 0
    client.force_login(factories.make_user("later@example.test"))
    client.post("/create/", {"name": "x"})
    client.post("/create/", {"name": "x"})
    assert Group.objects.count() == 2


@pytest.mark.django_db
def test_anonymous_posts_are_left_alone(client):
    client.post("/create/", {"name": "x"})
    client.post("/create/", {"name": "x"})
    assert Group.objects.count() == 2
    assert not RequestFingerprint.objects.exists()
