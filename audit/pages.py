"""The pages the audit looks at, fetched as a browser behind production's proxy
fetches them, and saved to build/audit/html/ for the HTML checker."""

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from harness import visitor
from harness.forms import hidden_fields, valid_answers

from .processes import REPORTS, AuditError

if TYPE_CHECKING:  # stack imports Client, to know when gunicorn answers
    from .stack import Site

FETCH_SECONDS = 30


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Client:
    """One visitor, with a cookie jar. Says `X-Forwarded-Proto: https` as the
    proxy would; a POST carries the page's own Origin, as a browser's does."""

    site: "Site"
    cookies: dict[str, str] = field(default_factory=dict)
    # Sent with every request (the benchmark's X-Forwarded-For, one per visitor).
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Page:
        answer = visitor.send(
            self.site.port,
            method,
            path,
            cookies=self.cookies,
            headers={"User-Agent": "audit"} | self.headers,
            timeout=FETCH_SECONDS,
            form=form,
        )
        if answer.error:
            return Page(0, {}, f"{type(answer.error).__name__}: {answer.error}")
        return Page(answer.status, answer.headers, answer.body)

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def follow(self, path: str, hops: int = 3) -> tuple[str, Page]:
        """GET `path`, following redirects on the site; the final path and page."""
        page = self.get(path)
        while page.status in (301, 302, 303, 307, 308) and hops:
            path = urlsplit(page.headers.get("Location", "")).path
            path += "?" + q if (q := urlsplit(page.headers["Location"]).query) else ""
            page, hops = self.get(path), hops - 1
        return path, page


@dataclass
class Target:
    """One page the audit looks at."""

    name: str
    path: str
    lighthouse: bool  # Lighthouse can only GET a public page
    indexable: bool = True  # held to the SEO target
    status: int = 200
    html: str = ""  # what the HTML checker reads
    problem: str = ""  # the page could not be fetched as expected


def find_paths(site: "Site") -> tuple[str, str]:
    """An article's and a topic's path, from the sitemap (what search engines see)."""
    sitemap = Client(site).get("/sitemap.xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap.body)
    paths = [urlsplit(location).path for location in locations]
    article = next((p for p in paths if re.fullmatch(r"/articles/[-\w]+/", p)), "")
    topic = next((p for p in paths if p.startswith("/topics/")), "")
    if not article or not topic:
        raise AuditError(f"no article or topic in /sitemap.xml ({sitemap.status})")
    return article, topic


def fetch_pages(site: "Site") -> list[Target]:
    article, topic = find_paths(site)
    targets = [
        Target("home", "/", lighthouse=True),
        Target("article", article, lighthouse=True),
        Target("article list", "/articles/", lighthouse=True),
        Target("topic", topic, lighthouse=True),
        # noindex by design: held to every target but SEO.
        Target("search", "/search/?q=alcohol", lighthouse=True, indexable=False),
        Target("get help", "/get-help/", lighthouse=True),
        Target("privacy", "/privacy/", lighthouse=True),
        Target("cover your tracks", "/cover-your-tracks/", lighthouse=True),
        Target("404", "/no-such-page/", lighthouse=False, status=404),
    ]
    for target in targets:
        page = Client(site).get(target.path)
        target.html = page.body
        if page.status != target.status:
            target.problem = f"answered {page.status}, expected {target.status}"

    # The form sent empty (its hidden fields only): it answers with its errors.
    errors = Target("get help: errors", "/get-help/ (POST)", lighthouse=False)
    visitor = Client(site)
    form = hidden_fields(visitor.get("/get-help/").body)
    page = visitor.request("POST", "/get-help/", form)
    errors.html = page.body
    if page.status != 200 or "csrftoken" not in "".join(visitor.cookies):
        errors.problem = f"the empty POST answered {page.status}"
    form_at = next(i for i, t in enumerate(targets) if t.path == "/get-help/")
    targets.insert(form_at + 1, errors)

    # A valid enquiry, then the thank-you page it leads to.
    thanks = Target("thank you", "/get-help/thank-you/", lighthouse=False)
    visitor = Client(site)
    form = hidden_fields(visitor.get("/get-help/").body)
    sent = visitor.request("POST", "/get-help/", valid_answers() | form)
    if sent.status == 302 and sent.headers.get("Location") == thanks.path:
        page = visitor.get(thanks.path)
        thanks.html = page.body
        if page.status != 200:
            thanks.problem = f"answered {page.status}"
    else:
        thanks.problem = f"a valid enquiry answered {sent.status}, not 302 to it"
    targets.insert(targets.index(errors) + 1, thanks)

    path, page = Client(site).follow("/admin/login/")
    login = Target("admin login", path, lighthouse=False, html=page.body)
    if page.status != 200:
        login.problem = f"answered {page.status}"
    targets.append(login)

    html_folder = REPORTS / "html"
    html_folder.mkdir(parents=True, exist_ok=True)
    for target in targets:
        (html_folder / f"{slug(target.name)}.html").write_text(target.html)
    return targets


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
