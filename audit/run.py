"""`make audit`: Lighthouse and the Nu Html Checker against the production settings.

Starts the site as production runs it (referral_site.settings.prod under gunicorn,
PostgreSQL, Redis, collected static files, the demo content), on a free loopback
port, then:

- saves the HTML of every key page (the form with its errors and the thank-you page
  included, reached by real POSTs) and runs the Nu Html Checker over it;
- runs Lighthouse (mobile) on the public pages in Debian's Chromium;
- prints one table, and exits 1 when a target is missed, listing what missed it.

The runner plays the part of production's TLS-terminating proxy: the requests it
and Chromium's page make say `X-Forwarded-Proto: https`, which prod.py's
SECURE_PROXY_SSL_HEADER believes, so Django serves them as it does behind the
proxy: HSTS, Secure __Host- cookies and all. The one setting changed is the HTTPS
redirect, off as for docker-compose's TLS-less web (docs/audit.md says why).

Everything it starts runs in a session of its own and is ended, by its id, however
the run ends; its database and Redis databases are emptied. Reports: build/audit/.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg2
import redis
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "audit"
REPORTS = ROOT / "build" / "audit"
PYTHON = sys.executable
NODE_MODULES = AUDIT / "node_modules"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI; the page is our own
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Our own database on the shared PostgreSQL, and Redis databases no test uses
# (the integration tests take 15): broker 13, cache 14, as prod.py wants them apart.
POSTGRES = os.environ.get("AUDIT_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "referral_site_audit"
REDIS = os.environ.get("AUDIT_REDIS", "redis://127.0.0.1:6379")
BROKER_DB, CACHE_DB = 13, 14

# The whole run, and each step, are bounded.
DEADLINE_SECONDS = 10 * 60
STEP_SECONDS = {"migrate": 240, "collectstatic": 180, "seed": 120, "renditions": 60}
WEB_READY_SECONDS = 60
FETCH_SECONDS = 30
VNU_SECONDS = 180
CHROMIUM_READY_SECONDS = 30
LIGHTHOUSE_SECONDS = 150

TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CATEGORY_TITLES = {
    "performance": "perf",
    "accessibility": "a11y",
    "best-practices": "best pr.",
    "seo": "SEO",
}
SHOWN = 4  # failing audits' items, and HTML errors, shown a page

# Variables of ours the calling shell might carry: the run sets its own.
_OURS = ("DJANGO_", "DATABASE_", "CELERY_", "CACHE_", "MAIL_", "ENQUIRY_", "CALLBACK_")
_OURS += ("SITE_", "STATIC_", "BROKER_", "MEDIA_", "FIELD_ENCRYPTION_", "TRUSTED_")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class AuditError(Exception):
    """The audit could not be run (not: the site missed a target)."""


_started_at = time.monotonic()


def remaining(step_seconds: float) -> float:
    """`step_seconds`, or less if the whole run's deadline comes first."""
    left = DEADLINE_SECONDS - (time.monotonic() - _started_at)
    if left <= 1:
        raise AuditError(f"the audit ran past its {DEADLINE_SECONDS}s deadline")
    return min(step_seconds, left)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({path.name}: no log)"


# --- processes ------------------------------------------------------------------


class Process:
    """One command in a session of its own, logging to a file; stop() ends the
    whole group (gunicorn's workers, Chromium's renderers) by its id."""

    running: list["Process"] = []

    def __init__(self, name: str, args: list[str], *, env: dict, log: Path):
        self.name, self.log = name, log
        with log.open("a") as out:
            self.popen = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        Process.running.append(self)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AuditError(
                f"{self.name} took longer than {timeout:.0f}s\n{tail(self.log)}"
            ) from None

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=10)
        # Whatever is left of the group (an orphaned worker or renderer).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        with contextlib.suppress(ValueError):
            Process.running.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for process in reversed(list(cls.running)):
            process.stop()


def run_step(name: str, args: list[str], *, env: dict, logs: Path) -> None:
    log = logs / f"{name}.log"
    process = Process(name, args, env=env, log=log)
    if process.wait(timeout=remaining(STEP_SECONDS.get(name, 120))):
        raise AuditError(f"{name} failed:\n{tail(log)}")


def wait_until(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + remaining(timeout)
    while not predicate():
        if time.monotonic() > deadline:
            raise AuditError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)


# --- the site under production settings --------------------------------------------


@dataclass
class Site:
    port: int
    env: dict
    folder: Path

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def production_env(*, port: int, folder: Path) -> dict:
    """What referral_site/settings/prod.py insists on. Two differences from a live
    site: no HTTPS redirect (there is no TLS here), and no minimum fill time for the
    spam guard (the runner posts the form at once)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return env | {
        "DJANGO_SETTINGS_MODULE": "referral_site.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "CELERY_BROKER_URL": f"{REDIS}/{BROKER_DB}",
        "CACHE_URL": f"{REDIS}/{CACHE_DB}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(folder / "beat-schedule"),
        # Our TLS-terminating proxy is played by the runner's X-Forwarded-Proto
        # header, which Lighthouse cannot add to its own robots.txt fetch: that
        # one would be redirected to an https:// nothing serves. So, as
        # docker-compose's TLS-less web and the faults suite do, no redirect here.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "ENQUIRY_MIN_FILL_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
    }


def reset_database() -> None:
    connection = psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        connection.close()


def drop_database() -> None:
    with contextlib.suppress(psycopg2.Error):
        connection = psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=10)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.close()


def empty_redis() -> None:
    for number in (BROKER_DB, CACHE_DB):
        client = redis.Redis.from_url(f"{REDIS}/{number}", socket_timeout=5)
        client.flushdb()
        client.close()


# Made by a worker in production; the audit has none, so it makes them once itself.
RENDITIONS = """
from articles.models import Article
from articles.tasks import article_make_renditions
for pk in Article.objects.exclude(hero_image="").values_list("pk", flat=True):
    article_make_renditions(pk)
"""


def start_site(folder: Path) -> Site:
    port = free_port()
    env = production_env(port=port, folder=folder)
    logs = REPORTS / "logs"
    manage = [PYTHON, "manage.py"]
    say("Preparing: a fresh database, migrate, collectstatic, seed_demo...")
    reset_database()
    empty_redis()
    collect = Process(
        "collectstatic",
        [*manage, "collectstatic", "--noinput"],
        env=env,
        log=logs / "collectstatic.log",
    )
    run_step("migrate", [*manage, "migrate", "--noinput"], env=env, logs=logs)
    run_step("seed", [*manage, "seed_demo", "--force"], env=env, logs=logs)
    run_step("renditions", [*manage, "shell", "-c", RENDITIONS], env=env, logs=logs)
    if collect.wait(timeout=remaining(STEP_SECONDS["collectstatic"])):
        raise AuditError(f"collectstatic failed:\n{tail(collect.log)}")
    web = Process(
        "gunicorn",
        # gunicorn.conf.py (read from the project folder) sets the redacting logger.
        [PYTHON, "-m", "gunicorn", "referral_site.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"],
        env=env,
        log=logs / "gunicorn.log",
    )  # fmt: skip
    site = Site(port=port, env=env, folder=folder)

    def answers() -> bool:
        if not web.alive():
            raise AuditError(f"gunicorn exited:\n{tail(web.log)}")
        return Client(site).get("/healthz").status == 200

    wait_until(answers, timeout=WEB_READY_SECONDS, what="gunicorn's /healthz")
    say(f"The site answers at {site.origin} (production settings).")
    return site


# --- fetching pages as a browser behind the proxy does ------------------------------


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: str


class _HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.fields[values["name"]] = values.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = _HiddenFields()
    parser.feed(html)
    return parser.fields


@dataclass
class Client:
    """One visitor, with a cookie jar. Says `X-Forwarded-Proto: https` as the
    proxy would; a POST carries the page's own Origin, as a browser's does."""

    site: Site
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Page:
        host = f"127.0.0.1:{self.site.port}"
        headers = {"Host": host, "X-Forwarded-Proto": "https", "User-Agent": "audit"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{host}"
            headers["Referer"] = f"https://{host}{path}"
        connection = HTTPConnection("127.0.0.1", self.site.port, timeout=FETCH_SECONDS)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode(errors="replace")
        except (OSError, HTTPException) as error:
            return Page(0, {}, f"{type(error).__name__}: {error}")
        finally:
            connection.close()
        for value in answer.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return Page(answer.status, dict(answer.headers.items()), text)

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


# A valid enquiry, as tests/enquiries/factories.py's form_data sends it; the hidden
# fields (CSRF, submission token, signed start, consent version) come from the page.
ENQUIRY = {
    "over_18": "yes",
    "for_whom": "self",
    "danger": "none",
    "substances": ["alcohol"],
    "message": "Worried about my drinking.",
    "name": "Sam",
    "contact_method": "phone",
    "phone": "07700 900123",  # Ofcom's drama range
    "voicemail_ok": "yes",
    "say_who_we_are_ok": "no",
    "consent": "on",
    "website": "",
}


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


def find_paths(site: Site) -> tuple[str, str]:
    """An article's and a topic's path, from the sitemap (what search engines see)."""
    sitemap = Client(site).get("/sitemap.xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap.body)
    paths = [urlsplit(location).path for location in locations]
    article = next((p for p in paths if re.fullmatch(r"/articles/[-\w]+/", p)), "")
    topic = next((p for p in paths if p.startswith("/topics/")), "")
    if not article or not topic:
        raise AuditError(f"no article or topic in /sitemap.xml ({sitemap.status})")
    return article, topic


def fetch_pages(site: Site) -> list[Target]:
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
    sent = visitor.request("POST", "/get-help/", ENQUIRY | form)
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


# --- the Nu Html Checker ------------------------------------------------------------


@dataclass
class HtmlError:
    line: int
    message: str
    extract: str

    def __str__(self) -> str:
        extract = " ".join(self.extract.split())
        return f"line {self.line}: {self.message}\n      {extract}"


def check_html(targets: list[Target]) -> dict[str, list[HtmlError]]:
    """The checker's errors (not its warnings), by page name."""
    folder = REPORTS / "html"
    by_file = {str(folder / f"{slug(t.name)}.html"): t.name for t in targets if t.html}
    say(f"The Nu Html Checker: {len(by_file)} pages...")
    try:
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
             *by_file],
            capture_output=True,
            text=True,
            timeout=remaining(VNU_SECONDS),
            check=False,
            cwd=ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise AuditError(f"the HTML checker took over {VNU_SECONDS}s") from None
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AuditError(f"the HTML checker said:\n{result.stderr[-2000:]}") from None
    (REPORTS / "html-checker.json").write_text(json.dumps(messages, indent=2))
    found: dict[str, list[HtmlError]] = {name: [] for name in by_file.values()}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = urlsplit(message.get("url", "")).path
        name = by_file.get(path, path)
        found.setdefault(name, []).append(
            HtmlError(
                line=message.get("lastLine", 0),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
            )
        )
    return found


# --- Lighthouse ----------------------------------------------------------------------


@contextlib.contextmanager
def chromium(profile: Path):
    """Debian's Chromium with a fresh profile, started by us (so we can end it,
    whatever happens: the one Lighthouse starts itself is detached from our process
    group); its debugging port. One a page: a browser used for several runs
    sometimes fails to record the trace (NO_NAVSTART)."""
    port = free_port()
    browser = Process(
        "chromium",
        [CHROMIUM, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}",
         f"--user-data-dir={profile}", "about:blank"],
        env=os.environ | {"CHROME_PATH": CHROMIUM},
        log=REPORTS / "logs" / "chromium.log",
    )  # fmt: skip

    def ready() -> bool:
        if not browser.alive():
            raise AuditError(f"Chromium exited:\n{tail(browser.log)}")
        with contextlib.suppress(OSError):
            address = f"http://127.0.0.1:{port}/json/version"
            with urllib.request.urlopen(address, timeout=2):
                return True
        return False

    try:
        wait_until(ready, timeout=CHROMIUM_READY_SECONDS, what="Chromium to listen")
        yield port
    finally:
        browser.stop()


@dataclass
class Scores:
    categories: dict[str, int | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # the lines to show
    warnings: list[str] = field(default_factory=list)  # Lighthouse's, not misses
    problem: str = ""


def run_lighthouse(site: Site, target: Target, port: int) -> Scores:
    out = REPORTS / "lighthouse" / slug(target.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    log = REPORTS / "logs" / f"lighthouse-{slug(target.name)}.log"
    args = [
        "node", str(LIGHTHOUSE), site.origin + target.path,
        f"--port={port}",
        "--form-factor=mobile",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--extra-headers", json.dumps({"X-Forwarded-Proto": "https"}),
        "--output=json", "--output=html", f"--output-path={out}",
        "--max-wait-for-load=30000",
        "--quiet",
    ]  # fmt: skip
    process = Process(
        f"lighthouse {target.name}",
        args,
        env=os.environ | {"CHROME_PATH": CHROMIUM},
        log=log,
    )
    try:
        code = process.wait(timeout=remaining(LIGHTHOUSE_SECONDS))
    except AuditError as error:
        return Scores(problem=str(error))
    report = out.parent / f"{out.name}.report.json"
    if code or not report.exists():
        return Scores(problem=f"Lighthouse exited {code}:\n{tail(log, 10)}")
    return read_report(json.loads(report.read_text()), indexable=target.indexable)


def read_report(report: dict, *, indexable: bool) -> Scores:
    scores = Scores()
    if error := report.get("runtimeError"):
        scores.problem = f"{error.get('code')}: {error.get('message')}"
    scores.warnings = [" ".join(w.split()) for w in report.get("runWarnings", [])]
    audits = report["audits"]
    for key, category in report["categories"].items():
        score = category.get("score")
        scores.categories[key] = None if score is None else round(score * 100)
        if not indexable and key == "seo":
            continue
        value = scores.categories[key]
        if value is not None and value >= TARGETS[key]:
            continue
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            missed = audit.get("score") is not None and audit["score"] < 1
            if key == "performance":
                # The metrics that make the score, and what Lighthouse says to fix.
                missed = missed and (ref.get("weight") or audit["score"] < 0.9)
            elif not ref.get("weight"):
                missed = False
            if missed:
                scores.failures.extend(describe_audit(key, audit))
    return scores


def describe_audit(category: str, audit: dict) -> list[str]:
    value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
    lines = [f"  [{category}] {audit['id']}: {audit['title']}{value}"]
    items = (audit.get("details") or {}).get("items") or []
    for item in items[:SHOWN]:
        node = item.get("node") or {}
        shown = node.get("snippet") or item.get("url") or item.get("source") or ""
        if isinstance(shown, dict):
            shown = shown.get("url", "")
        label = node.get("nodeLabel") or item.get("label") or ""
        explanation = (node.get("explanation") or "").splitlines()
        text = " ".join(str(shown).split())[:160]
        if label and label not in text:
            text += f"  «{' '.join(str(label).split())[:60]}»"
        if explanation:
            text += f"  — {' '.join(explanation[:2])[:160]}"
        if text.strip():
            lines.append(f"      {text}")
    if len(items) > SHOWN:
        lines.append(f"      ... and {len(items) - SHOWN} more")
    return lines


# --- the table --------------------------------------------------------------------


def cell(value: int | None, target: int | None) -> str:
    if value is None:
        return "-"
    mark = "" if target is None or value >= target else " ✗"
    return f"{value}{mark}"


def report(
    targets: list[Target], lighthouse: dict[str, Scores], html: dict[str, list]
) -> bool:
    """Print the table and every miss; True when every target is met."""
    header = ["page", "path", *CATEGORY_TITLES.values(), "HTML errors"]
    rows, passed = [], True
    for target in targets:
        scores = lighthouse.get(target.name)
        values = []
        for key in TARGETS:
            goal = TARGETS[key] if (key != "seo" or target.indexable) else None
            value = scores.categories.get(key) if scores else None
            values.append(cell(value, goal))
            if scores and goal is not None and (value is None or value < goal):
                passed = False
        errors = len(html.get(target.name, []))
        passed = passed and not errors and not target.problem
        passed = passed and not (scores and scores.problem)
        rows.append(
            [target.name, target.path, *values, f"{errors} ✗" if errors else "0"]
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(6 + 1)]
    say()
    for row in [header, ["-" * w for w in widths], *rows]:
        say("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    say()
    say(
        f"Targets: performance (mobile) >= {TARGETS['performance']}; accessibility,"
        f" best practices and SEO {TARGETS['seo']}; no HTML errors. '-': not measured"
        " (Lighthouse only GETs, so not the pages a POST reaches, nor a 404); search"
        " is noindex, so SEO is no target there."
    )
    for target in targets:
        scores = lighthouse.get(target.name)
        lines = []
        if target.problem:
            lines.append(f"  the page: {target.problem}")
        if scores and scores.problem:
            lines.append(f"  Lighthouse could not run: {scores.problem}")
        if scores:
            lines.extend(scores.failures)
        for error in html.get(target.name, []):
            lines.append(f"  [html] {error}")
        if lines:
            say()
            say(f"{target.name} ({target.path}):")
            for line in lines:
                say(line)
    warned: dict[str, list[str]] = {}
    for name, scores in lighthouse.items():
        for warning in scores.warnings:
            warned.setdefault(warning, []).append(name)
    for warning, names in warned.items():
        say()
        say(f"Lighthouse warned, on {', '.join(names)} (not a miss): {warning}")
    return passed


# --- main -----------------------------------------------------------------------------


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


def preflight() -> None:
    missing = []
    if not LIGHTHOUSE.exists() or not VNU_JAR.exists():
        missing.append("audit/node_modules (run `make audit`, which runs npm ci)")
    for tool in (CHROMIUM, "java", "node"):
        if not shutil.which(tool):
            missing.append(tool)
    if missing:
        raise AuditError("missing: " + ", ".join(missing))


def main() -> int:
    # Ctrl-C, even when started from a shell that ignores it for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGHUP, _terminated)
    folder = Path(tempfile.mkdtemp(prefix="referral-audit-"))
    shutil.rmtree(REPORTS, ignore_errors=True)
    (REPORTS / "logs").mkdir(parents=True)
    try:
        preflight()
        site = start_site(folder)
        targets = fetch_pages(site)
        html = check_html(targets)
        lighthouse: dict[str, Scores] = {}
        for target in (t for t in targets if t.lighthouse and not t.problem):
            say(f"Lighthouse (mobile): {target.name} {target.path}...")
            for attempt in (1, 2):
                with chromium(
                    folder / f"chromium-{slug(target.name)}-{attempt}"
                ) as port:
                    scores = run_lighthouse(site, target, port)
                if not scores.problem:
                    break
                # A trace now and then fails to record (NO_NAVSTART): once more.
                say(f"  again, after: {scores.problem.splitlines()[-1]}")
            lighthouse[target.name] = scores
        passed = report(targets, lighthouse, html)
        say()
        say(f"Reports: {REPORTS.relative_to(ROOT)}/ (lighthouse/*.report.html,")
        say("html/*.html with html-checker.json, logs/).")
        if not passed:
            say("make audit: FAILED, a target was missed (see above).")
            return 1
        say("make audit: every target met.")
        return 0
    except AuditError as error:
        say(f"make audit could not run: {error}")
        return 2
    except KeyboardInterrupt:
        say("make audit: interrupted; stopping what it started.")
        return 130
    finally:
        Process.stop_all()
        with contextlib.suppress(redis.RedisError):
            empty_redis()
        drop_database()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
