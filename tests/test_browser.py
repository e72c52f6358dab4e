"""The enquiry journey in a real browser: Debian's Chromium, driven by Playwright,
with axe-core checking WCAG 2.2 AA on the form, empty and showing errors."""

from datetime import date

import pytest

from enquiries.models import Enquiry
from tests.browser_support import fill_in_enquiry_form, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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

    fill_in_enquiry_form(page)
    page.get_by_role("button", name="Ask for a callback").click()

    page.wait_for_url(f"{live_server.url}/get-help/thank-you/")
    reference = page.locator("#reference").inner_text()
    assert Enquiry.objects.get().reference == reference
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320  # nothing to scroll sideways on a 320px screen


def test_the_emergency_card_appears_as_soon_as_someone_is_in_danger(
    live_server, browser
):
    page = browser.new_page()
    page.goto(f"{live_server.url}/get-help/")
    card = page.locator("#crisis-card")
    assert card.is_hidden()

    page.get_by_label("Yes: someone may have taken too much").check()

    assert card.is_visible()
    assert "Call 999" in card.inner_text()
    fill_in_enquiry_form(page, danger="Yes: someone may have taken too much")
    page.get_by_role("button", name="Send my request anyway").click()

    # The card was shown before the send, so the request goes straight through.
    page.wait_for_url(f"{live_server.url}/get-help/thank-you/")
    assert Enquiry.objects.get().danger == "overdose"


@pytest.mark.parametrize("our_scripts", [True, False], ids=["with-js", "without-js"])
def test_the_form_has_no_wcag_22_aa_violations_empty_or_showing_errors(
    live_server, browser, our_scripts
):
    page = browser.new_page()
    if not our_scripts:
        # The page as it is without JavaScript; axe itself still needs the engine.
        page.route("**/static/js/*.js", lambda route: route.abort())
    page.goto(f"{live_server.url}/get-help/")
    assert violations(page) == []

    page.get_by_role("button", name="Ask for a callback").click()
    page.locator("#error-summary").wait_for()

    assert violations(page) == []


@pytest.fixture
def heroin_article(db):
    from tests.articles.factories import (
        ArticleFactory,
        ReviewerBioFactory,
        TopicFactory,
    )

    article = ArticleFactory(
        slug="coming-off-heroin",
        body="<h2>One</h2><p>a</p><h2>Two</h2><p>b</p><h2>Three</h2><p>c</p>",
        reviewer=ReviewerBioFactory(),
        last_reviewed_on=date(2026, 10, 1),
        references="NICE guideline CG52",
    )
    article.topics.add(TopicFactory())
    return article


@pytest.mark.parametrize(
    "path",
    ["/", "/articles/", "/articles/coming-off-heroin/", "/privacy/",
     "/get-help/?topic=heroin-and-opioids", "/topics/heroin-and-opioids/",
     "/reviewers/dr-alex-example/", "/search/?q=advice", "/search/?q=zzzz"],
)  # fmt: skip
@pytest.mark.usefixtures("heroin_article")
def test_public_pages_have_no_wcag_22_aa_violations(live_server, browser, path):
    page = browser.new_page()
    page.goto(f"{live_server.url}{path}")

    assert violations(page) == []


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
