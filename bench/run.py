"""`make bench`: the speed of the site as production runs it, measured side by side.

Starts the production shape on loopback (bench/stack.py: PostgreSQL, Redis,
gunicorn on production settings with and without the page cache, a Celery worker,
an SMTP sink, and nginx running deploy/nginx/referral.conf), then measures with
load from other processes (wrk, and a client of ours for the form), against floors
measured in the same run (bench/figures.py):

- nginx serving the article page's own bytes from a file: the machine's limit;
- a trivial Django view returning the same bytes through the same middleware: the
  framework's floor.

Prints one table (figure, value, ratio, budget) and exits 1 when a budget is
missed, 2 when the bench could not run. Bounded: the whole run stops after ten
minutes. Benchmarks are not tests: `make test` never runs this.
"""

import os
import platform
import shutil
import signal
import sys
import tempfile
from pathlib import Path

# `make bench` runs this as a script, which puts bench/ first on sys.path (where
# its modules would shadow the standard library's), not the project folder the
# bench and audit packages are in: the project folder takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from audit.processes import AuditError, say
from bench import figures, stack
from bench.figures import Row

STEPS = {"pages", "submits", "triage", "memory", "weight", "queue"}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}"


def table(rows: list[Row]) -> str:
    header = Row("figure", "measured", "ratio", "budget", True)
    cells = [[r.figure, r.value, r.ratio, r.budget, "" if r.met else "✗ missed"]
             for r in [header, *rows]]  # fmt: skip
    cells[0][4] = ""
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
             + " |" for row in cells]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            say(f"make bench needs {tool}: apt-get install -y nginx wrk")
            return 2
    # BENCH_ONLY=pages,queue measures only those steps (a partial table).
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(","))) or STEPS
    rows: list[Row] = []
    folder = Path(tempfile.mkdtemp(prefix="referral-bench-"))
    shutil.rmtree(stack.REPORTS, ignore_errors=True)
    try:
        site = stack.start(folder)
        article, topic = figures.find_paths(site.web)
        paths = {
            "home": "/",
            "article": article,
            "article list": "/articles/",
            "topic": topic,
            "get help": "/get-help/",
            "search": "/search/?q=alcohol",
            "privacy": "/privacy/",
            "cover your tracks": "/cover-your-tracks/",
        }
        steps = {
            "pages": lambda: figures.pages(site),
            "submits": lambda: figures.submits(site),
            "triage": lambda: figures.triage(site),
            "memory": lambda: figures.web_memory(site, list(paths.values())),
            "weight": lambda: figures.weight(site, paths),
            "queue": lambda: figures.queue(site),
        }
        for name, step in steps.items():
            if name in only:
                say(f"Measuring: {name}...")
                rows += step()
    except AuditError as error:
        say(f"make bench could not run: {error}")
        return 2
    except KeyboardInterrupt:
        say("make bench: interrupted; stopping what it started.")
        return 130
    finally:
        stack.clean_up(folder)
    say()
    say(f"Machine: {machine()}")
    say()
    say(table(rows))
    say()
    if only != STEPS:
        say(f"A partial run (BENCH_ONLY): {', '.join(sorted(only))}.")
    missed = [row.figure for row in rows if not row.met]
    if missed:
        say(f"make bench: {len(missed)} budget(s) missed: {'; '.join(missed)}")
        return 1
    say("make bench: every budget met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
