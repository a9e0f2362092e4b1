"""Steps the browser journeys share: signing in and out, and following a link or sending a
form and waiting for the page it leads to.

Playwright's ``click()`` returns once the click is dispatched, not once the next page is
there: text read, or elements listed, straight after it may still be the old page's (a
review form sent with no score because its radios were listed before the form had loaded).
``click_through`` waits for the navigation the click starts and for the new page to load.
"""

from playwright.sync_api import Locator, Page

from tests import factories


def click_through(page: Page, target: Locator) -> None:
    """Clicks ``target`` (a link or a submit button) and returns when the page it leads to
    has loaded: the main frame has navigated and its ``load`` event has fired.

    Raises Playwright's ``TimeoutError`` if the click starts no navigation within the
    page's default timeout (15 s in ``conftest.page``).
    """
    with page.expect_event("framenavigated", predicate=lambda frame: frame == page.main_frame):
        target.click()
    page.wait_for_load_state()


def sign_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    """Signs in as ``email`` from the login page, forgetting any earlier session first."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    click_through(page, page.locator("main form button[type=submit]").first)


def sign_out(page: Page) -> None:
    """Signs out with the header's logout button (a POST form)."""
    click_through(page, page.locator("header form[action$='/accounts/logout/'] button"))


def main_text(page: Page) -> str:
    """The visible text of the page's ``<main>``."""
    return page.locator("main").inner_text()


def body_text(page: Page) -> str:
    """The visible text of the whole page: ``<main>`` and the flash messages above it."""
    return page.locator("body").inner_text()
