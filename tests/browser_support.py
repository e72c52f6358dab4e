"""What the Chromium tests share: the WCAG 2.2 A/AA check with axe-core, a test
picture, and filling in the enquiry form the way a person does."""

from io import BytesIO

from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from harness.polling import wait_until
from tests.enquiries.factories import PHONE

WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    }
}


def violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, one line each."""
    results = Axe().run(page, options=WCAG_22_AA)
    return [
        f"{page.url}: {violation['id']}: {violation['help']}"
        f" ({len(violation['nodes'])} nodes)"
        for violation in results.response["violations"]
    ]


def png(width: int = 1000, height: int = 600) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (90, 140, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def fill_in_enquiry_form(page, *, danger: str = "No", name: str = "Marigold") -> None:
    """Answer every question /get-help/ needs (the name left empty with name="")."""
    page.get_by_role("group", name="Are you 18 or over?").get_by_label("Yes").check()
    page.get_by_label("Myself").check()
    page.get_by_role(
        "group", name="Is anyone in immediate danger right now?"
    ).get_by_label(danger, exact=danger == "No").check()
    if name:
        page.get_by_label("What should we call you?").fill(name)
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill(PHONE)
    page.get_by_role(
        "group", name="Can we leave a voicemail or a message?"
    ).get_by_label("No").check()
    page.get_by_role(
        "group", name="If someone else answers, can we say who we are?"
    ).get_by_label("No").check()
    page.get_by_label("I agree that the service may use").check()


def wait_until_true(page, expression: str, *, timeout: float = 5.0) -> None:
    """Poll `expression` in the page until it is true. Not Playwright's
    wait_for_function: its polling evals the string in the page, which our CSP
    (no 'unsafe-eval') refuses whenever the first try is not already true."""
    wait_until(
        lambda: page.evaluate(expression),
        timeout=timeout,
        what=f"{expression} to be true",
        interval=0.05,
    )
