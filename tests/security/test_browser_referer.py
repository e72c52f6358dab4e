"""In a real browser (Chromium): the private link's pages send no path in the
Referer of their own CSS and JS, and their forms still pass Django's CSRF check.
The test client can show the header; only a browser shows what it does (under
`no-referrer` Chromium sends `Origin: null`, and withdrawing would fail)."""

import re

import pytest

from enquiries.models import Enquiry
from tests.browser_support import fill_in_enquiry_form
from tests.clinicians.factories import ClinicianFactory

pytestmark = [
    pytest.mark.security,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_link_leaks_into_no_referer_and_still_withdraws(
    live_server, browser, settings, audit_log_emptied_afterwards
):
    settings.SITE_URL = live_server.url
    ClinicianFactory()
    page = browser.new_page()
    referers = []
    # What went over the wire (Playwright's `headers` are the page's own guess).
    page.on(
        "requestfinished",
        lambda request: referers.append(
            (request.url, request.all_headers().get("referer", ""))
        ),
    )
    page.goto(f"{live_server.url}/get-help/")
    fill_in_enquiry_form(page)
    page.get_by_role("button", name="Ask for a callback").click()
    page.wait_for_url(f"{live_server.url}/get-help/thank-you/")
    link = page.locator("#withdrawal a").first.get_attribute("href")
    token = re.search(r"/withdraw/([^/]+)/", link)[1]

    page.goto(link)
    page.get_by_role("button", name="Withdraw and delete my request").click()

    assert "Your request has been withdrawn" in page.content()
    assert Enquiry.objects.get().withdrawn_at is not None
    # The withdrawal page's CSS and JS were asked for, with the origin alone.
    assert (f"{live_server.url}/static/css/site.css", f"{live_server.url}/") in referers
    assert not [(url, referer) for url, referer in referers if token in referer]
