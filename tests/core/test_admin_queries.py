"""Every Django admin page costs the same number of queries however much data there is
(issue 12): a changelist shows a row without a query of its own, a change page shows its
inline rows the same way, and no change page lists a big table in a plain select.

The data: the demo (`load_demo`, one small world with rows of nearly every model) plus
the few models it leaves empty; then 20 more rows of the model under test, each a copy of
a demo row with its unique values varied (`_copy`). Every row is shown at both sizes (the
page size is raised for the measurement), so a query per row shows as a difference.
"""

import datetime as dt
import itertools

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import connection, models, transaction
from django.forms.models import _get_foreign_key
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cocreation.accounts.models import User
from cocreation.notifications.models import Notification
from cocreation.organisations.models import Membership, Organisation
from quests.models import (
    Proposal,
    ProposalAttachment,
    ProposalMessage,
    Quest,
    Question,
    Review,
)
from spaces.models import Booking, BookingSeries, Space
from studygroups.models import (
    Attendance,
    Deliverable,
    Member,
    Session,
    Submission,
    SurveyResponse,
    Team,
)

pytestmark = pytest.mark.django_db

MOST_QUERIES = 25
MORE_ROWS = 20
MORE_INLINE_ROWS = 5

# Tables that hold thousands to millions of rows at national scale (issue 12): a change
# page never renders every row of one as the options of a select.
BIG_TABLES = {
    User,
    Organisation,
    Membership,
    Quest,
    Proposal,
    Review,
    Question,
    Space,
    Booking,
    BookingSeries,
    Member,
    Session,
    Team,
    Deliverable,
    Submission,
    Notification,
}

_tags = itertools.count(1)


def _vary(obj, field, tag: int) -> None:
    """Give `field` of `obj` a value no other row has: a prefix or suffix on text, an
    offset on numbers, a fresh copy of the row a one-to-one field points to."""
    value = getattr(obj, field.attname)
    if field.is_relation:
        target = getattr(obj, field.name)
        if target is not None:
            setattr(obj, field.name, _copy(target))
    elif isinstance(field, models.EmailField):
        setattr(obj, field.attname, f"c{tag}-{value}")
    elif isinstance(field, models.CharField):
        if value is None:
            return
        if value.isdigit():  # a code of fixed length (local-government codes)
            setattr(obj, field.attname, f"{9 * 10 ** (len(value) - 1) + tag:0{len(value)}d}")
            return
        suffix = f"-c{tag}"
        setattr(obj, field.attname, (value or "")[: field.max_length - len(suffix)] + suffix)
    elif isinstance(field, models.IntegerField):
        setattr(obj, field.attname, (value or 0) + 1000 + tag)
    elif isinstance(field, models.DateField | models.DateTimeField) and value is not None:
        setattr(obj, field.attname, value + dt.timedelta(days=tag))


def _unique_sets(model) -> list[list[str]]:
    sets = [list(fields) for fields in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            sets.append(list(constraint.fields))
    return sets


def _copy(template, **fixed):
    """A saved copy of `template` with `fixed` values, every unique value varied."""
    model = type(template)
    obj = model.objects.get(pk=template.pk)
    obj.pk = None
    obj._state.adding = True
    for name, value in fixed.items():
        setattr(obj, name, value)
    tag = next(_tags)
    if model is Site:
        obj.pk = Site.objects.order_by("pk").last().pk + tag
    if model is Booking:  # weeks apart, years after the demo: no overlap on the space
        shift = dt.timedelta(days=3650 + 7 * tag)
        obj.starts_at, obj.ends_at = obj.starts_at + shift, obj.ends_at + shift
    varied = set(fixed)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in fixed:
            continue
        if field.unique or field.name == "email":
            _vary(obj, field, tag)
            varied.add(field.name)
    for names in _unique_sets(model):
        if varied.intersection(names) - set(fixed):
            continue
        fields = [model._meta.get_field(name) for name in names if name not in fixed]
        plain = [f for f in fields if not f.is_relation and not isinstance(f, models.BooleanField)]
        people = [f for f in fields if f.is_relation and f.related_model is User]
        chosen = (plain or people or fields)[-1]
        _vary(obj, chosen, tag)
        varied.add(chosen.name)
    obj.save()
    return obj


def _fill_empty_models() -> None:
    """One row of each registered model the demo leaves empty."""
    Group.objects.get_or_create(name="事務局")
    member = Member.objects.select_related("team").filter(team__isnull=False).first()
    session = Session.objects.filter(cohort=member.cohort).first()
    Attendance.objects.get_or_create(session=session, member=member, defaults={"status": "present"})
    SurveyResponse.objects.get_or_create(session=session, member=member, defaults={"rating": 4})
    deliverable = Deliverable.objects.filter(cohort=member.cohort).first()
    if not ProposalAttachment.objects.exists():
        proposal = Proposal.objects.first()
        ProposalAttachment.objects.create(
            proposal=proposal,
            file="proposals/plan.pdf",
            original_name="plan.pdf",
            content_type="application/pdf",
            size=2048,
            uploaded_by=proposal.submitted_by,
        )
    if not ProposalMessage.objects.exists():
        proposal = Proposal.objects.first()
        ProposalMessage.objects.create(
            proposal=proposal, author=proposal.submitted_by, body="日程を相談させてください。"
        )
    if not Submission.objects.exists():
        Submission.objects.create(
            deliverable=deliverable,
            team=member.team,
            version=1,
            file="submissions/report.pdf",
            original_name="report.pdf",
            size=1024,
            uploaded_by=member.user,
            uploaded_at=timezone.now(),
        )


@pytest.fixture
def world(settings):
    settings.DEBUG = False
    call_command("load_demo", verbosity=0)
    _fill_empty_models()


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _template(model):
    # The demo row with the most filled-in values is the one most worth copying.
    return model.objects.order_by("pk").last()


class _RolledBackError(Exception):
    """Rolls back one admin's extra rows, carrying what its check found ("" for nothing)."""


def _each_admin(check) -> list[str]:
    """Run `check(model, model_admin)` for every registered admin, each in a savepoint that
    is rolled back, so one demo load serves all of them; returns the problems found."""
    problems = []
    for model, model_admin in _admins():
        try:
            with transaction.atomic():
                raise _RolledBackError(check(model, model_admin))
        except _RolledBackError as undo:
            if undo.args[0]:
                problems.append(undo.args[0])
    return problems


def test_every_changelist_costs_the_same_at_two_sizes(client, site_admin, world, monkeypatch):
    client.force_login(site_admin)

    def check(model, model_admin) -> str:
        label = model._meta.label
        monkeypatch.setattr(model_admin, "list_per_page", 1000)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        _count(client, url)  # warms caches read once a process (content types, site)
        small = _count(client, url)
        template = _template(model)
        for _ in range(MORE_ROWS):
            _copy(template)
        large = _count(client, url)
        if large != small or small > MOST_QUERIES:
            return f"{label}: {small} queries, then {large}"
        return ""

    assert _each_admin(check) == []


def test_every_change_page_costs_the_same_with_more_inline_rows(client, site_admin, world):
    client.force_login(site_admin)

    def check(model, model_admin) -> str:
        label = model._meta.label
        obj = _template(model)
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        request = RequestFactory().get(url)
        request.user = site_admin
        templates = []
        for inline in model_admin.get_inline_instances(request, obj):
            fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
            template = inline.model.objects.filter(**{fk.name: obj}).first()
            if template is None:  # one row of each inline at the small size
                template = inline.model.objects.order_by("pk").last()
                if template is None:
                    return f"{label}: no {inline.model._meta.label} row to copy"
                template = _copy(template, **{fk.name: obj})
            templates.append((fk.name, template))
        _count(client, url)
        small = _count(client, url)
        for fk_name, template in templates:
            for _ in range(MORE_INLINE_ROWS):
                _copy(template, **{fk_name: obj})
        large = _count(client, url)
        if large != small or small > MOST_QUERIES:
            return f"{label}: {small} queries, then {large}"
        return ""

    assert _each_admin(check) == []


def _choice_fields(model_admin, request, obj):
    form = model_admin.get_form(request, obj, change=True)()
    yield model_admin.model, form
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)(instance=obj)
        yield inline.model, formset.empty_form


def test_no_change_page_lists_a_big_table_in_a_select(site_admin, world):
    request = RequestFactory().get("/")
    request.user = site_admin

    def check(model, model_admin) -> str:
        obj = _template(model)
        listed = []
        for form_model, form in _choice_fields(model_admin, request, obj):
            for name, field in form.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None or queryset.model not in BIG_TABLES or field.widget.is_hidden:
                    continue
                if queryset.query.has_filters():  # the rows of the page's own row only
                    continue
                widget = getattr(field.widget, "widget", field.widget)  # inside add/change links
                if not isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget):
                    listed.append(f"{form_model._meta.label}.{name}")
        return f"{model._meta.label}: every row listed in {listed}" if listed else ""

    assert _each_admin(check) == []


@pytest.mark.parametrize("page", ["add", "change"])
def test_no_admin_form_lists_more_choices_than_a_select_holds(site_admin, world, monkeypatch, page):
    """Any table, not only the big ones, and the add pages too: at national size the
    review's add page listed all 50,000 review criteria in its score rows (2.4 MB, 7 s)
    and the cohort's team rows every cohort's 600 fields. With the threshold at 0 every
    list with a row in it must be a raw id box, an autocomplete or a filter widget."""
    from cocreation.core import admin as portal_admin

    monkeypatch.setattr(portal_admin, "ADMIN_SELECT_MAX", 0)
    request = RequestFactory().get("/")
    request.user = site_admin

    def check(model, model_admin) -> str:
        obj = _template(model) if page == "change" else None
        if page == "add" and not model_admin.has_add_permission(request):
            return ""
        listed = []
        for form_model, form in _choice_fields(model_admin, request, obj):
            for name, field in form.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None or field.widget.is_hidden or field.disabled:
                    continue
                widget = getattr(field.widget, "widget", field.widget)
                if isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget):
                    continue
                if (
                    isinstance(widget, forms.RadioSelect)
                    or getattr(widget, "is_stacked", None) is not None
                ):
                    continue  # radio buttons and filter_horizontal widgets are chosen on purpose
                if (
                    form_model is not model
                    and name == _get_foreign_key(model, form_model, None).name
                ):
                    continue
                if queryset.exists():
                    listed.append(f"{form_model._meta.label}.{name}")
        return f"{model._meta.label} ({page}): a select of {listed}" if listed else ""

    assert _each_admin(check) == []
