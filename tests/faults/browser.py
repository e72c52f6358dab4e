"""A person at a browser, in the standard library: opens /get-help/, keeps its
cookies, sends the form with the hidden fields the page gave it, follows the redirect
to the thank-you page and reads the reference there.

The site runs with the production settings behind what would be a TLS-terminating
proxy: each request is harness/visitor.py's, which plays that proxy and a browser's
Origin, so the CSRF check is the real one, and sends the `Secure` session and CSRF
cookies back as a browser does.
"""

import re
import uuid
from dataclasses import dataclass, field

from harness import visitor
from harness.forms import hidden_fields
from tests.enquiries.factories import form_data

FORM = "/get-help/"
THANKS = "/get-help/thank-you/"
_REFERENCE = re.compile(r'id="reference">\s*(R-[A-Z0-9]+)\s*<')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    error: str = ""  # the connection failed: no answer at all


@dataclass
class Outcome:
    """What one send of the form came to, as the person saw it."""

    token: str
    status: int  # 0: no answer (connection reset, refused or timed out)
    seconds: float
    location: str = ""
    reference: str = ""
    body: str = ""
    error: str = ""
    # The thank-you page, when it could not be shown (the database went between
    # the send's commit and the redirect's GET): its status and what it said.
    thanks_status: int = 0
    thanks_body: str = ""
    browser: "Browser | None" = field(default=None, repr=False, compare=False)

    @property
    def accepted(self) -> bool:
        """302 to the thank-you page, which showed a reference."""
        return self.status == 302 and self.location == THANKS and bool(self.reference)

    def __str__(self) -> str:
        shown = self.error or f"{self.status} {self.location}".strip()
        return f"send of {self.token[:8]}: {shown} in {self.seconds:.2f}s"


@dataclass
class Browser:
    """One person: one cookie jar."""

    port: int
    timeout: float = 40  # longer than gunicorn's own worker timeout
    cookies: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict | None = None) -> Response:
        answer = visitor.send(
            self.port,
            method,
            path,
            cookies=self.cookies,
            headers={"User-Agent": "faults-suite"},
            timeout=self.timeout,
            form=body,
            referer=FORM,
        )
        error = type(answer.error).__name__ if answer.error else ""
        return Response(
            answer.status, answer.headers, answer.body, answer.seconds, error=error
        )

    def open_form(self) -> Response:
        """GET the form and keep its hidden fields (CSRF token, submission token,
        the signed time it was shown, the consent version)."""
        response = self.request("GET", FORM)
        self.form = hidden_fields(response.body)
        return response

    def answers(self, **changes) -> dict:
        """Valid answers, with the hidden fields from the page this person has open."""
        assert self.form.get("submission_token"), "open_form() first (or it failed)"
        return form_data(**changes) | self.form

    def send(self, body: dict | None = None, follow: bool = True) -> Outcome:
        """POST the form (the answers for the page open, unless given), and on a
        redirect to the thank-you page follow it (unless told not to: then
        `read_thanks` does) and read the reference."""
        body = body or self.answers()
        response = self.request("POST", FORM, body)
        outcome = Outcome(
            token=body["submission_token"],
            status=response.status,
            seconds=response.seconds,
            location=response.headers.get("Location", ""),
            body=response.body,
            error=response.error,
        )
        if outcome.status == 302 and outcome.location == THANKS:
            outcome.browser = self
            if follow:
                self.read_thanks(outcome)
        return outcome

    def read_thanks(self, outcome: Outcome) -> None:
        """GET the thank-you page (again, as a person reloads it) and read the
        reference from it."""
        thanks = self.request("GET", THANKS)
        found = _REFERENCE.search(thanks.body)
        outcome.reference = found.group(1) if found else ""
        outcome.thanks_status, outcome.thanks_body = thanks.status, thanks.body
        outcome.error = (
            "" if found else f"thank-you page answered {thanks.status}, no reference"
        )

    def visit_and_send(self) -> Outcome:
        """Open the form and send it, as one person does."""
        page = self.open_form()
        if page.status != 200 or not self.form.get("submission_token"):
            return Outcome(
                token=f"(no form: {uuid.uuid4()})",
                status=page.status,
                seconds=page.seconds,
                error=page.error or f"the form answered {page.status}",
            )
        return self.send()
