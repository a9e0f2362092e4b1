"""The shared machinery of issue 11: one PortalError that reaches a form the same way in
every app, and one reminder runner that apps feed with what is due."""

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from cocreation.core.errors import PortalError, add_to_form
from cocreation.core.forms import PortalForm
from cocreation.notifications import reminders
from cocreation.notifications.models import Notification
from cocreation.notifications.reminders import Due, reminder_source, run_reminders
from tests import factories


class BookingLikeForm(PortalForm):
    date = forms.DateField(label="日付")
    purpose = forms.CharField(label="利用目的")


def _form():
    form = BookingLikeForm({"date": "2020-12-18", "purpose": "資料作成"})
    assert form.is_valid()
    return form


def test_a_refusal_goes_next_to_its_field():
    form = _form()
    add_to_form(form, PortalError("月曜日は休館日です", field="date", code="closed"))
    assert form.errors == {"date": ["月曜日は休館日です"]}


def test_a_refusal_of_an_unknown_or_no_field_goes_on_the_form():
    form = _form()
    add_to_form(form, PortalError("この予約は変更されています", field="version"))
    add_to_form(form, PortalError("権限がありません"))
    assert form.non_field_errors() == ["この予約は変更されています", "権限がありません"]


def test_several_refusals_each_reach_their_field():
    form = _form()
    error = PortalError.of(
        [
            PortalError("月曜日は休館日です", field="date", code="closed"),
            PortalError("利用目的が長すぎます", field="purpose", code="too_long"),
        ]
    )
    assert [r.code for r in error.refusals] == ["closed", "too_long"]
    add_to_form(form, error)
    assert form.errors["date"] == ["月曜日は休館日です"]
    assert form.errors["purpose"] == ["利用目的が長すぎます"]


def test_a_refusal_about_a_row_goes_on_that_row():
    rows = [_form(), _form(), _form()]
    page = _form()
    add_to_form(page, PortalError("重みは1以上です", field="purpose", row=1), rows=rows)
    assert rows[1].errors == {"purpose": ["重みは1以上です"]}
    assert not rows[0].errors and not rows[2].errors and not page.errors


@pytest.fixture
def source():
    """A source registered for one test (the runner's registry is global)."""
    state = {"due": []}

    @reminder_source("test.source")
    def due(now):
        return state["due"]

    yield state
    reminders._SOURCES.pop("test.source")


@pytest.mark.django_db
def test_the_runner_sends_each_due_reminder_once(source):
    person = factories.make_user("hanako.sato@city.koriyama.lg.jp", family="佐藤")
    source["due"] = [
        Due(
            person,
            "membership.declined",
            None,
            key=f"test.reminder|{day}",
            context={"organisation": "郡山市"},
        )
        for day in ("2020-12-17", "2020-12-18")
    ]
    assert run_reminders(only=["test.source"]) == {"test.source": 2}
    assert run_reminders(only=["test.source"]) == {"test.source": 0}
    assert Notification.objects.filter(key__startswith="test.reminder|").count() == 2


@pytest.mark.django_db
def test_a_failing_source_does_not_stop_the_others(source):
    @reminder_source("test.broken")
    def broken(now):
        raise RuntimeError("boom")

    try:
        person = factories.make_user("jiro@city.koriyama.lg.jp", family="鈴木")
        source["due"] = [Due(person, "membership.declined", None, key="test.reminder|x")]
        result = run_reminders(
            now=timezone.now() + dt.timedelta(days=1), only=["test.broken", "test.source"]
        )
        assert result == {"test.broken": 0, "test.source": 1}
    finally:
        reminders._SOURCES.pop("test.broken")
