"""Content-Security-Policy on every response, and pages that need nothing it forbids: no
inline script, no inline style, nothing from another host."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from cocreation.accounts.models import User

PAGES = [
    "/",
    "/quests/",
    "/organisations/",
    "/spaces/",
    "/studygroups/",
    "/accounts/login/",
    "/admin/login/",
    "/healthz",
    "/this-page-does-not-exist/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_signed_in_pages_use_nothing_the_policy_blocks(settings):
    """The policy would silently break inline styles and scripts: there must be none, nor
    any asset from another host (no CDN)."""
    call_command("load_demo", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(email="coordinator@city.koriyama.lg.jp"))
    pages = [
        "/",
        "/quests/",
        "/quests/1/",
        "/spaces/",
        "/spaces/1/week/",
        "/spaces/occupancy/",
        "/studygroups/",
        "/studygroups/1/",
        "/notifications/",
    ]
    for path in pages:
        response = client.get(path, follow=True)
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"<style", html), path
        assert not re.search(r"""(?:src|href)=["']https?://""", html.split("<main", 1)[0]), path
