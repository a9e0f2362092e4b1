"""Bad input never causes a 500: every page of the site, as every kind of user, with
missing, malformed and out-of-range values, on the demo data."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cocreation.accounts.models import User

pytestmark = pytest.mark.django_db

IDS = {
    "pk": ["1", "2", "9999"],
    "quest_pk": ["1"],
    "member_pk": ["1", "9999"],
    "attachment_pk": ["1", "9999"],
    "question_pk": ["1", "9999"],
    "item_pk": ["1", "9999"],
    "deliverable_pk": ["1"],
    "team_pk": ["1", "3"],
    "kind": ["kpi", "meeting", "bogus"],
    "token": ["x" * 43],
    "transition_pk": ["1", "9999"],
    "slug": ["koriyama-wide-area", "nowhere"],
    "code": ["072036", "12345x"],
}
GARBAGE = [
    {},
    {
        "to_state": "bogus",
        "action": "remove",
        "role": "x",
        "decision": "maybe",
        "kind": "x",
        "date": "2020-13-45",
        "start_time": "25:00",
        "end_time": "x",
        "first_date": "nope",
        "last_date": "2020-01-01",
        "weeks": "-3",
        "rating": "9",
        "member": "abc",
        "team": "zz",
        "space": "abc",
        "body": "",
        "q": "'\"<script>",
        "page": "-1",
        "month": "2020-99",
        "from": "x",
        "to": "y",
        "scope": "rest",
        "order-1": "abc",
        "reason": "x" * 5000,
        "id": ["a", "1"],
        "organisation": "999999",
        "birth_date": "1900-01-01",
        "preferred_fields": "x",
        "hours": "100",
        "first_start": "bad",
        "start": "2020-99-99T99:99",
        "end": "x",
        "sort": "nonsense",
        "theme": "abc",
        "target": "99.99",
        "accepting": "maybe",
        "fiscal_year": "1999",
        "outcome": "adopted",
        "amount_yen": "-1",
        "procurement": "bribe",
    },
]
ROLES = [
    None,
    "coordinator@city.koriyama.lg.jp",
    "k.takaoka@city.koriyama.lg.jp",
    "member@foodshare.example.com",
    "admin@portal.example.jp",
    "newcomer@example.com",
]


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _urls():
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(("admin", "^media")):
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        combos = [{}]
        for name in names:
            combos = [dict(c, **{name: value}) for c in combos for value in IDS.get(name, ["1"])]
        for combo in combos[:6]:
            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, c=combo: c[m.group(1)], route)


@pytest.mark.parametrize("email", ROLES)
def test_no_page_answers_500_to_bad_input(settings, email):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    client = Client(raise_request_exception=True)
    if email:
        client.force_login(User.objects.get(email=email))
    failures = []
    urls = list(_urls())
    assert len(urls) > 100
    for url in urls:
        for method in ("get", "post"):
            for data in GARBAGE:
                try:
                    status = getattr(client, method)(url, data).status_code
                except Exception as exc:  # noqa: BLE001 - every crash is reported below
                    failures.append((method, url, repr(exc)[:160]))
                    continue
                if status >= 500:
                    failures.append((method, url, status))
    assert failures == []
