"""The notification list, the unread count in the header, and marking as read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocreation.notifications import services
from cocreation.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _make(user, n, start=0):
    return [
        services.notify(
            user,
            "membership.approved",
            None,
            context={"organisation": f"団体{i}", "decider": "調整 太郎"},
            key=f"test-{user.pk}-{i}",
            email=False,
        )
        for i in range(start, start + n)
    ]


def _unread_badge(response) -> str:
    html = response.content.decode()
    marker = 'class="count"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_shows_only_my_notifications_with_the_unread_count(client, staff_user, company_user):
    _make(staff_user, 3)
    services.notify(
        company_user,
        "membership.approved",
        None,
        context={"organisation": "秘密の団体", "decider": "x"},
        key="other",
        email=False,
    )
    client.force_login(staff_user)
    response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "団体0" in html and "団体2" in html
    assert "秘密の団体" not in html
    assert _unread_badge(response) == "3"


def test_mark_selected_then_all_read(client, staff_user):
    first, second, third = _make(staff_user, 3)
    client.force_login(staff_user)
    response = client.post(reverse("notifications:mark_read"), {"id": [first.pk]}, follow=True)
    assert _unread_badge(response) == "2"
    unread = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "団体0" not in unread and "団体1" in unread

    response = client.post(reverse("notifications:mark_read"), follow=True)
    assert _unread_badge(response) == ""
    assert Notification.objects.filter(recipient=staff_user, read_at__isnull=True).count() == 0


def test_marking_someone_elses_notification_changes_nothing(client, staff_user, company_user):
    (theirs,) = _make(company_user, 1)
    client.force_login(staff_user)
    client.post(reverse("notifications:mark_read"), {"id": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_the_link(client, staff_user):
    notification = services.notify(
        staff_user,
        "membership.approved",
        None,
        context={"organisation": "郡山市", "decider": "x"},
        url="/organisations/",
        key="open-me",
        email=False,
    )
    client.force_login(staff_user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_another_users_notification_is_not_found(client, staff_user, company_user):
    (theirs,) = _make(company_user, 1)
    client.force_login(staff_user)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404


def test_list_query_count_does_not_grow_with_notifications(client, staff_user):
    client.force_login(staff_user)
    _make(staff_user, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    _make(staff_user, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notifications:list"))
    assert "団体29" in response.content.decode()
    assert len(many) == len(few)


def test_empty_list_says_so(client):
    user = factories.make_user("quiet@example.test")
    client.force_login(user)
    assert "お知らせはまだありません" in client.get(reverse("notifications:list")).content.decode()


def test_admin_requeues_failed_emails(client, site_admin, staff_user, monkeypatch):
    queued = []
    monkeypatch.setattr(
        "cocreation.notifications.tasks.send_notification_emails.delay", queued.extend
    )
    (failed,) = _make(staff_user, 1)
    Notification.objects.filter(pk=failed.pk).update(email_status=Notification.EmailStatus.FAILED)
    client.force_login(site_admin)
    changelist = reverse("admin:notifications_notification_changelist")
    assert client.get(changelist, {"q": staff_user.email}).status_code == 200
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            changelist, {"action": "requeue_failed_emails", "_selected_action": [failed.pk]}
        )
    failed.refresh_from_db()
    assert failed.email_status == Notification.EmailStatus.PENDING
    assert queued == [failed.pk]
