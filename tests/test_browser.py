"""The enquiry journey in a real browser: Debian's Chromium, driven by Playwright."""

import pytest

from enquiries.models import Enquiry
from tests.conftest import CHROMIUM
from tests.enquiries.factories import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls in these tests
    # happen between its calls, never inside them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def test_a_phone_user_without_javascript_can_ask_for_a_callback(live_server, browser):
    # A small phone, JavaScript off: the form must work with neither.
    page = browser.new_page(
        viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    page.goto(f"{live_server.url}/get-help/")
    page.get_by_role("button", name="Ask for a callback").click()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "Enter a name we can call you by." in summary.inner_text()
    assert Enquiry.objects.count() == 0

    page.get_by_label("What should we call you?").fill("Marigold")
    page.get_by_label("Phone number").fill(PHONE)
    page.get_by_label("I agree that the service may use").check()
    page.get_by_role("button", name="Ask for a callback").click()

    page.wait_for_url(f"{live_server.url}/get-help/thank-you/")
    reference = page.locator("#reference").inner_text()
    assert Enquiry.objects.get().reference == reference
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320  # nothing to scroll sideways on a 320px screen


def test_pressing_escape_three_times_leaves_the_site(live_server, browser):
    page = browser.new_page()
    # The neutral site is another host this machine cannot reach: answer it locally.
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(body="Weather"))
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/get-help/")

    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url("https://www.bbc.co.uk/weather")

    page.go_back()
    assert page.url == f"{live_server.url}/"  # the help page is gone from history
