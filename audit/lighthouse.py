"""Lighthouse (mobile) on the public pages, each run in a fresh Chromium of its own,
and what its reports say: the category scores, and the audits behind a miss."""

import contextlib
import json
import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from harness.processes import free_port

from .pages import Target, slug
from .processes import (
    NODE_MODULES,
    REPORTS,
    AuditError,
    Process,
    remaining,
    say,
    tail,
    wait_until,
)
from .stack import Site

LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
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

CHROMIUM_READY_SECONDS = 30
LIGHTHOUSE_SECONDS = 150

TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
SHOWN = 4  # a failing audit's items shown


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


def score_pages(site: Site, targets: list[Target], folder: Path) -> dict[str, Scores]:
    """Lighthouse's scores for each page it can reach (a GET, and the page answered
    as expected), by page name. Each profile is made in `folder`."""
    lighthouse: dict[str, Scores] = {}
    for target in (t for t in targets if t.lighthouse and not t.problem):
        say(f"Lighthouse (mobile): {target.name} {target.path}...")
        for attempt in (1, 2):
            with chromium(folder / f"chromium-{slug(target.name)}-{attempt}") as port:
                scores = run_lighthouse(site, target, port)
            if not scores.problem:
                break
            # A trace now and then fails to record (NO_NAVSTART): once more.
            say(f"  again, after: {scores.problem.splitlines()[-1]}")
        lighthouse[target.name] = scores
    return lighthouse
