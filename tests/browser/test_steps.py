"""The journeys' shared steps wait for the whole page a click leads to.

CI once failed on the quest journey: the review link was clicked, the score radios were
listed while the review form was still arriving (not all were found, so not all were
checked), and the form went out without every score. Playwright's ``click()`` returns
once the next page has started loading, not once it has loaded. Here the live server
sends each page in two halves and holds the second back until the test opens a gate: a
page read straight after a bare click is a half page, and after ``click_through`` (the
gate opening a second later, on a timer) the whole one.
"""

import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse

from tests import factories

from .steps import body_text, click_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOOTER = "自治体と企業のための官民共創ポータル"


@pytest.fixture
def gate(monkeypatch):
    """The live server (a thread of this process) sends each HTML page in two halves, the
    second once the yielded gate (a `threading.Event`, open at first) is open."""
    second_half = threading.Event()
    second_half.set()
    answer = WSGIHandler.__call__

    def in_halves(self, environ, start_response):
        response = answer(self, environ, start_response)
        if not isinstance(response, HttpResponse) or response.status_code != 200:
            return response
        content = response.content
        if not response.get("Content-Type", "").startswith("text/html"):
            return [content]

        def halves():
            yield content[: len(content) // 2]
            second_half.wait(timeout=30)
            yield content[len(content) // 2 :]

        return halves()

    monkeypatch.setattr(WSGIHandler, "__call__", in_halves)
    yield second_half
    second_half.set()


def test_a_page_read_after_click_through_is_the_whole_page(page, gate):
    factories.make_municipality()
    page.goto("/")
    assert FOOTER in body_text(page)

    gate.clear()
    page.get_by_role("link", name="ログイン").first.click()
    # What the journeys did before: the text read is half a page.
    assert FOOTER not in body_text(page)
    gate.set()
    page.wait_for_load_state()

    page.goto("/")
    gate.clear()
    threading.Timer(1.0, gate.set).start()
    click_through(page, page.get_by_role("link", name="ログイン").first)
    assert FOOTER in body_text(page)
    assert page.locator("#id_login").is_visible()
