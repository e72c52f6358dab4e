"""Journey 1, end to end in Chromium: a person worried about drugs or alcohol reads
an article on their phone, asks for a callback, gets a question wrong and puts it
right, sends, keeps their reference, and later takes it all back with the private
link. Then the same with JavaScript off on a 320 px screen. axe-core checks every
page they meet; screenshots of each step land in build/screenshots/."""

import re
from datetime import time as clock
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import ArticleImage
from enquiries.models import Enquiry, OpeningHours
from tests.articles.factories import ArticleFactory, ReviewerBioFactory, TopicFactory
from tests.browser_support import (
    fill_in_enquiry_form,
    png,
    violations,
    wait_until_true,
)
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import PHONE

from .conftest import PHONE as PHONE_SCREEN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# After a fix reached from the error summary the address keeps its #fragment.
THANKS = re.compile(r".*/get-help/thank-you/(#.*)?$")


@pytest.fixture
def article(audit_log_emptied_afterwards, live_server, settings):
    settings.SITE_URL = live_server.url  # the private link is built from it
    ClinicianFactory()  # someone on duty to take the callback
    article = ArticleFactory(
        title="Worried about a son who drinks",
        slug="worried-about-a-son-who-drinks",
        reviewer=ReviewerBioFactory(),
        last_reviewed_on=timezone.localdate() - timedelta(days=20),
        references="NICE guideline CG115",
    )
    article.topics.add(TopicFactory(name="Alcohol", slug="alcohol"))
    # A wide picture in the body: it must never make a phone page scroll sideways.
    picture = ArticleImage(article=article, alt="A kitchen table", credit="Our own")
    picture.image.save("table.png", ContentFile(png(1600, 900)), save=False)
    picture.save()
    article.body = (
        "<h2>Starting the conversation</h2><p>Choose a calm moment.</p>"
        f'<p><img src="{picture.image.url}" alt="A kitchen table"></p>'
        "<h2>Looking after yourself</h2><p>You matter too.</p>"
    )
    article.save()
    return article


def _sideways_scroll(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_person_seeking_help_asks_for_a_callback_then_takes_it_back(
    live_server, browser, article, shots
):
    page = browser.new_page(viewport=PHONE_SCREEN)
    found = []

    # They land on an article from a search engine, on their phone.
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.locator("main img").first.wait_for()
    assert _sideways_scroll(page) == 0, "the picture overflows a 390 px screen"
    assert "Next review due" in page.locator("#review-dates").inner_text()
    found += violations(page)
    shots.take(page, "article")

    # However far they scroll, the way out stays on screen.
    page.mouse.wheel(0, 4000)
    wait_until_true(page, "window.scrollY > 200")
    box = page.get_by_role("link", name="Exit this page").bounding_box()
    assert box is not None and 0 <= box["y"] < 60

    page.get_by_role("link", name="Ask for a callback").first.click()
    page.wait_for_url("**/get-help/?topic=alcohol")
    found += violations(page)
    shots.take(page, "form")

    # They miss a question: the summary says what to fix, and takes them there.
    fill_in_enquiry_form(page, name="")
    page.get_by_role("button", name="Ask for a callback").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    # Focus moves to it (by the form's script, once the page has loaded).
    wait_until_true(page, "document.activeElement.id === 'error-summary'")
    assert "Enter a name we can call you by." in summary.inner_text()
    assert Enquiry.objects.count() == 0  # nothing half-saved
    found += violations(page)
    shots.take(page, "form-with-an-error")
    summary.get_by_role("link", name="Enter a name we can call you by.").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    # Nothing they typed was lost.
    assert page.get_by_label("Phone number").input_value() == PHONE
    assert page.get_by_label("Phone call").is_checked()

    page.get_by_label("What should we call you?").fill("Marigold")
    page.get_by_role("button", name="Ask for a callback").click()
    page.wait_for_url(THANKS)
    reference = page.locator("#reference").inner_text()
    assert Enquiry.objects.get().reference == reference
    assert "Our calls show as" in page.locator("#caller-id").inner_text()
    found += violations(page)
    shots.take(page, "thank-you")

    # Later, they change their mind: the private link takes it all back.
    page.locator("#withdrawal a").click()
    page.wait_for_url("**/get-help/withdraw/**")
    found += violations(page)
    shots.take(page, "withdraw")
    page.get_by_role("button", name="Withdraw and delete my request").click()
    page.get_by_role("heading", level=1).wait_for()
    assert not Enquiry.objects.active().filter(reference=reference).exists()
    found += violations(page)
    shots.take(page, "withdrawn")

    assert found == []


def test_without_javascript_on_a_320px_phone_the_same_journey_works(
    live_server, browser, article, shots
):
    page = browser.new_page(
        viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert _sideways_scroll(page) == 0
    page.get_by_role("link", name="Ask for a callback").first.click()

    fill_in_enquiry_form(page, name="")
    page.get_by_role("button", name="Ask for a callback").click()
    summary = page.locator("#error-summary")
    assert "Enter a name we can call you by." in summary.inner_text()
    assert _sideways_scroll(page) == 0
    # The summary's link is a plain fragment link: it works without scripts.
    summary.get_by_role("link", name="Enter a name we can call you by.").click()
    assert page.url.endswith("#id_name")
    shots.take(page, "form-with-an-error-no-js")

    page.get_by_label("What should we call you?").fill("Marigold")
    page.get_by_role("button", name="Ask for a callback").click()
    page.wait_for_url(THANKS)
    reference = page.locator("#reference").inner_text()
    assert _sideways_scroll(page) == 0
    shots.take(page, "thank-you-no-js")

    page.locator("#withdrawal a").click()
    page.get_by_role("button", name="Withdraw and delete my request").click()
    page.get_by_role("heading", level=1).wait_for()
    assert not Enquiry.objects.active().filter(reference=reference).exists()


def test_someone_in_danger_meets_the_emergency_numbers_first(
    live_server, browser, article, shots
):
    # Open round the clock, so an urgent call is due within the hour whenever
    # this runs (a transactional test starts without the migration's hours).
    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=clock(0, 0), closes=clock(23, 59)
        )
    page = browser.new_page(viewport=PHONE_SCREEN)
    page.goto(f"{live_server.url}/get-help/")
    fill_in_enquiry_form(page, name="")
    page.get_by_label("Yes: someone may have taken too much").check()
    page.get_by_label("What should we call you?").fill("Marigold")
    page.get_by_role("button", name="Send my request anyway").click()
    page.wait_for_url(THANKS)

    main = page.locator("main").inner_text()
    assert main.index("999") < main.index("Thank you. We have your request.")
    assert "111" in main and "116 123" in main
    assert "We aim to call you within" in page.locator("#expected-call").inner_text()
    assert violations(page) == []
    shots.take(page, "urgent-thank-you")


@pytest.mark.parametrize("path", ["/no-such-page/", "/cover-your-tracks/"])
def test_the_pages_around_the_journey_have_no_wcag_22_aa_violations(
    live_server, browser, path
):
    page = browser.new_page()
    page.goto(f"{live_server.url}{path}")
    assert violations(page) == []


def test_the_keyboard_meets_the_skip_link_then_the_way_out(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == (
        "Skip to main content"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.quickExit") == ""
    # Focus is visible: the site's outline, not the browser's default or nothing.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize(
    "path", ["/", "/articles/", "/get-help/", "/cover-your-tracks/", "/no-such-page/"]
)
def test_no_public_page_scrolls_sideways_on_a_320px_phone(
    live_server, browser, settings, path
):
    # The longest line we show: the demo's phone line, as `make run` sets it.
    settings.SERVICE_PHONE = settings.CALLER_ID = "020 7946 0123 (demo number)"
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{live_server.url}{path}")
    assert _sideways_scroll(page) == 0
