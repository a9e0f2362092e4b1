"""The journeys' shared steps wait for the whole page a click leads to.

CI once failed on the quest journey: the review link was clicked, the score radios were
listed while the review form was still arriving (not all were found, so not all were
checked), and the form went out without every score. Playwright's ``click()`` returns
once the next page has started loading, not once it has loaded. Here the live server
sends each page in two halves a second apart, so a page read straight after a bare click
is always a half page, and after ``click_through`` always the whole one.
"""

import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse

from tests import factories

from .steps import body_text, click_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOOTER = "自治体と企業のための官民共創ポータル"


@pytest.fixture
def pages_in_two_halves(monkeypatch):
    """The live server (a thread of this process) sends each HTML page in two halves, the
    second one second after the first."""
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
            time.sleep(1)
            yield content[len(content) // 2 :]

        return halves()

    monkeypatch.setattr(WSGIHandler, "__call__", in_halves)


def test_a_page_read_after_click_through_is_the_whole_page(page, pages_in_two_halves):
    factories.make_municipality()
    page.goto("/")
    assert FOOTER in body_text(page)

    page.get_by_role("link", name="ログイン").first.click()
    # What the journeys did before: the text read is half a page.
    assert FOOTER not in body_text(page)

    page.goto("/")
    click_through(page, page.get_by_role("link", name="ログイン").first)
    assert FOOTER in body_text(page)
    assert page.locator("#id_login").is_visible()
