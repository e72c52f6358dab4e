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

This is the entry point: the run in order, the table and the exit code. The steps
are the audit package's other modules: stack.py (the site, its database and Redis),
pages.py (the pages, fetched and saved), html_check.py (the Nu Html Checker),
lighthouse.py (Lighthouse runs and their scores) and processes.py (what they share:
the deadline and the processes they start).
"""

import shutil
import signal
import sys
import tempfile
from pathlib import Path

# `make audit` runs this as a script, which puts audit/ on sys.path, not the project
# folder the audit package is in (bench/run.py does the same).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.html_check import VNU_JAR, check_html
from audit.lighthouse import (
    CHROMIUM,
    LIGHTHOUSE,
    TARGETS,
    Scores,
    score_pages,
)
from audit.pages import Target, fetch_pages
from audit.processes import REPORTS, ROOT, AuditError, Process, say
from audit.stack import clean_up, start_site

CATEGORY_TITLES = {
    "performance": "perf",
    "accessibility": "a11y",
    "best-practices": "best pr.",
    "seo": "SEO",
}


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
        lighthouse = score_pages(site, targets, folder)
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
        clean_up(folder)


if __name__ == "__main__":
    sys.exit(main())
