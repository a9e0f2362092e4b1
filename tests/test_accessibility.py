"""Every page of the site, as each kind of user, on the demo data: the page says its
language, has one main heading, every form field has a label (or an accessible name), and
every image has a text alternative. These are the checks a screen-reader user notices
first; they run on the server's HTML, so they need no browser."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from cocreation.accounts.models import User
from tests.test_no_server_errors import _urls

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
ROLES = [
    None,
    "coordinator@city.koriyama.lg.jp",
    "k.takaoka@city.koriyama.lg.jp",
    "member@foodshare.example.com",
    "admin@portal.example.jp",
]


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.h1 = 0
        self.fields = []  # (tag, attrs, inside a <label>)
        self.label_for = set()
        self.images_without_alt = []
        self.links = []
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and attrs.get("type", "text") in UNLABELLED_TYPES:
                return
            self.fields.append((tag, attrs, self._label_depth > 0))
        elif tag == "img" and "alt" not in attrs:
            self.images_without_alt.append(attrs.get("src"))
        elif tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"].split("?")[0].split("#")[0])

    def handle_endtag(self, tag):
        if tag == "label" and self._label_depth:
            self._label_depth -= 1

    def unlabelled(self):
        return [
            f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>"
            for tag, attrs, wrapped in self.fields
            if not wrapped
            and attrs.get("id") not in self.label_for
            and not attrs.get("aria-label")
            and not attrs.get("aria-labelledby")
        ]


SKIP = (
    "/accounts/logout",
    "/admin/",
    "/media/",
    "/static/",
    ".ics",
    "/csv",
    ".csv",
    "/export",
    "/feed",
    "/download",
    "/i18n/",
    "/healthz",
)


def _crawl(client, pages=200, requests=700):
    """The pages a person reaches by following links from the home page (first), then
    every route with the ids the demo data has; query strings dropped."""
    links, routes = ["/"], sorted(set(_urls()))
    seen, found = set(), 0
    while (links or routes) and found < pages and len(seen) < requests:
        url = links.pop(0) if links else routes.pop(0)
        if url in seen or any(part in url for part in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found += 1
        page = Page()
        page.feed(response.content.decode())
        links.extend(link for link in page.links if link not in seen)
        yield url, page


@pytest.mark.parametrize("email", ROLES)
def test_every_page_is_labelled_for_assistive_technology(settings, email):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    problems, checked = [], 0
    for url, page in _crawl(client):
        checked += 1
        if page.lang not in ("ja", "en"):
            problems.append((url, f"lang={page.lang!r}"))
        if page.h1 != 1:
            problems.append((url, f"{page.h1} <h1>"))
        for field in page.unlabelled():
            problems.append((url, f"no label: {field}"))
        for src in page.images_without_alt:
            problems.append((url, f"no alt: {src}"))
    assert checked > (10 if email is None else 40)
    assert problems == []
