"""Django's admin refuses what the site refuses: every admin form carries the portal's
input rules, and a date drill-down in the address outside the portal's date window falls
back to the whole list with a message instead of a server error."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from quests.models import Quest
from studygroups.models import Cohort, Programme
from tests.quests.factories import make_quest

pytestmark = pytest.mark.django_db


def _admin_form(model, user, instance, **changes):
    """The admin's change form for `instance`, bound to its own values with `changes`."""
    request = RequestFactory().get("/")
    request.user = user
    form_class = admin.site._registry[model].get_form(request, instance, change=True)
    unbound = form_class(instance=instance)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = value
    data.update(changes)
    return form_class(data, instance=instance)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "a\x0bb"),
        ("title", "食品ロス\u202e削減"),
        ("contact_name", "高岡\x00景"),
        ("background", "背景\x1b[31m"),
    ],
)
def test_the_quest_admin_refuses_control_and_bidi_characters(site_admin, koriyama, field, value):
    quest = make_quest(koriyama, created_by=site_admin)
    form = _admin_form(Quest, site_admin, quest, **{field: value})
    assert not form.is_valid()
    assert field in form.errors, form.errors


def test_the_quest_admin_still_takes_ordinary_text(site_admin, koriyama):
    quest = make_quest(koriyama, created_by=site_admin)
    form = _admin_form(Quest, site_admin, quest, summary="一行目\r\n\t二行目 🎉")
    assert form.is_valid(), form.errors


def test_the_cohort_admin_refuses_a_line_break_in_the_title(site_admin, koriyama):
    programme = Programme.objects.create(name="研究塾", organiser=koriyama)
    cohort = Cohort.objects.create(
        programme=programme, fiscal_year=2020, title="研究塾 2020", theme="課題"
    )
    cohort.organisations.set([koriyama])
    for title in ("A\r\nB", "A\rX-INJECT:1"):
        form = _admin_form(Cohort, site_admin, cohort, title=title)
        assert not form.is_valid()
        assert "title" in form.errors


def _date_hierarchy_admins():
    return sorted(
        (f"{model._meta.app_label}.{model._meta.model_name}", model, model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    )


HOSTILE_DRILL_DOWNS = [
    {"year": "9999"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "0"},
    {"year": "abc"},
    {"year": "²"},
    {"year": "1" * 30},
    {"year": "2020", "month": "13"},
    {"year": "2020", "month": "2", "day": "30"},
    {"year": "2101"},
    {"year": "1999", "month": "12", "day": "31"},
    {"month": "abc"},
]


def test_some_admins_have_a_date_hierarchy():
    assert len(_date_hierarchy_admins()) >= 3


@pytest.mark.parametrize("params", HOSTILE_DRILL_DOWNS, ids=lambda p: "&".join(p.values()))
def test_a_date_drill_down_outside_the_window_falls_back_with_a_message(client, site_admin, params):
    client.force_login(site_admin)
    for label, model, field in _date_hierarchy_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        query = {f"{field}__{part}": value for part, value in params.items()}
        query["q"] = "食品"
        response = client.get(url, query)
        assert response.status_code == 302, (label, response.status_code)
        assert response["Location"].startswith(url)
        assert f"{field}__" not in response["Location"]
        assert "q=" in response["Location"]  # the rest of the query is kept
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "日付" in page.content.decode(), label


def test_a_date_drill_down_inside_the_window_works(client, site_admin):
    client.force_login(site_admin)
    for _label, model, field in _date_hierarchy_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in (
            {f"{field}__year": "2100", f"{field}__month": "12", f"{field}__day": "31"},
            {f"{field}__year": "2000"},
        ):
            assert client.get(url, query).status_code == 200
