"""The load: wrk (Debian's) for throughput, and a small client of our own for the
form's GET-then-POST, where each simulated person needs their own cookie, token and
address. Both run in processes of their own beside the server, on loopback."""

import math
import re
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from audit.pages import Client
from audit.processes import AuditError
from harness.forms import hidden_fields, valid_answers

CONNECTIONS, THREADS = 16, 2  # the figures: wrk on loopback, 16 connections
SECONDS = 5
WARM_UP_SECONDS = 1
HEADERS = ("X-Forwarded-Proto: https",)

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass
class Throughput:
    rate: float  # requests per second
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, socket errors and timeouts
    requests: int  # how many were made


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(
    url: str,
    *,
    seconds: int = SECONDS,
    script: Path | None = None,
    warm_up: bool = True,
) -> Throughput:
    """Requests per second against `url` and the latency percentiles."""
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", "--latency", "--timeout", "5s"]
    for header in HEADERS:
        args += ["-H", header]
    if script:
        args += ["-s", str(script)]
    if warm_up:
        subprocess.run(
            [*args, f"-d{WARM_UP_SECONDS}s", url], capture_output=True, timeout=30
        )
    run = subprocess.run(
        [*args, f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    out = run.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if run.returncode or not (rate and total and p50 and p99):
        raise AuditError(f"wrk {url} failed:\n{out}\n{run.stderr}")
    errors = sum(
        int(n)
        for n in re.findall(
            r"(?:Non-2xx or 3xx responses|connect|read|write|timeout)\s*:?\s*(\d+)",
            out,
        )
    )
    return Throughput(float(rate[1]), _ms(p50[1]), _ms(p99[1]), errors, int(total[1]))


MIXED_SCRIPT = """
local paths = {%s}
local count = 0
request = function()
  count = count + 1
  return wrk.format("GET", paths[(count %% #paths) + 1])
end
"""


def mixed(url: str, paths: list[str], *, requests: int, folder: Path) -> int:
    """At least `requests` GETs, spread over `paths` in turn; how many were made.
    (wrk runs for a time, not a count: long enough at the rate a first second
    shows. Stopping its threads early instead leaves connections open that hold a
    sync worker until its timeout.)"""
    script = folder / "mixed.lua"
    script.write_text(MIXED_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    made = 0
    while made < requests:
        probe = wrk(url, seconds=1, script=script, warm_up=False)
        made += probe.requests
        left = requests - made
        if left > 0:
            seconds = max(1, math.ceil(left / max(probe.rate, 1) * 1.1))
            made += wrk(url, seconds=seconds, script=script, warm_up=False).requests
    return made


@dataclass
class Submits:
    pair_ms: list[float]  # each GET of the form then its POST
    failures: list[str]
    started_at: float  # time.time() before the first

    @property
    def p99_ms(self) -> float:
        return p99(self.pair_ms)


def p99(values: list[float]) -> float:
    """The 99th percentile of what was measured, between two of its values: never
    above the largest (the default method extrapolates past it below 100 values)."""
    return statistics.quantiles(values, n=100, method="inclusive")[-1]


def submit_enquiries(site, *, clients: int, each: int, first_address: int) -> Submits:
    """`clients` people at once, each sending `each` enquiries: the form fetched,
    then posted with its own hidden fields and cookie, from an address of its own
    (as our proxy reports it), so that the rate limit counts each apart."""
    results = Submits([], [], time.time())
    lock = threading.Lock()

    def person(number: int) -> None:
        for n in range(each):
            address = first_address + number * each + n
            visitor = Client(site)
            visitor.headers = {
                "X-Forwarded-For": f"10.{address >> 16 & 255}"
                f".{address >> 8 & 255}.{address & 255}"
            }
            start = time.perf_counter()
            form = hidden_fields(visitor.get("/get-help/").body)
            sent = visitor.request("POST", "/get-help/", valid_answers() | form)
            took = (time.perf_counter() - start) * 1000
            with lock:
                if sent.status == 302:
                    results.pair_ms.append(took)
                else:
                    results.failures.append(f"POST answered {sent.status}")

    threads = [threading.Thread(target=person, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if results.failures:
        raise AuditError(
            f"{len(results.failures)} enquiries were not accepted: "
            f"{sorted(set(results.failures))}"
        )
    return results
