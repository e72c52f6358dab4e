"""The production shape on loopback, for the benchmark: PostgreSQL (a database of
its own), Redis (two databases of its own), gunicorn on production settings twice
(with the page cache, and without it, for the uncached figures), a Celery worker,
an SMTP sink, and Debian's nginx running deploy/nginx/referral.conf in front of the
cached gunicorn beside a plain static server. The audit's Process (harness's, as
audit/processes.py runs it) starts and stops every process; everything is ended
and emptied by clean_up()."""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from audit import stack as audit_stack
from audit.pages import Client
from audit.processes import AuditError, Process, say, wait_until
from audit.stack import PYTHON, REDIS, prepare, production_env, wait_for_healthz
from harness.nginx import write_nginx_conf
from harness.processes import ROOT, children, free_port

REPORTS = ROOT / "build" / "bench"
DATABASE = "referral_site_bench"
BROKER_DB, CACHE_DB = 11, 12  # the audit takes 13 and 14, the integration tests 15
SMTP_SINK = ROOT / "harness" / "smtp_sink.py"
# As production runs them: gunicorn.conf.py's sync workers (cores + 1); one Celery
# worker of concurrency 2 (the figure), and docker-compose's mail worker,
# each at its CPU weight in docker-compose.yml (nice_as_in_compose).
WORKER_CONCURRENCY = 2
MAIL_CONCURRENCY = 2
COMPOSE = ROOT / "docker-compose.yml"
# The kernel's CPU weight of each nice level from 0 to 10 (sched_prio_to_weight);
# compose's cpu_shares count in the same units, 1024 being the default.
NICE_WEIGHTS = (1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110)
# The demo clinicians (on duty all day) with room for every enquiry the bench sends:
# otherwise its callbacks would wait, rightly, for a clinician with room.
ROOM = """
from clinicians.models import Clinician
Clinician.objects.update(max_open_callbacks=30000)
"""


@dataclass
class Web:
    port: int
    env: dict
    process: Process

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """gunicorn's workers (the master's children)."""
        return children(self.process.pid)


@dataclass
class Stack:
    folder: Path
    env: dict
    web: Web  # the page cache on
    uncached: Web  # the page cache off
    worker: Process
    proxy_port: int  # nginx with deploy/nginx/referral.conf, in front of `web`
    static_port: int  # nginx serving one file
    floor_file: Path


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _env(folder: Path, port: int, smtp_port: int) -> dict:
    env = production_env(
        port=port,
        folder=folder,
        database=DATABASE,
        broker_db=BROKER_DB,
        cache_db=CACHE_DB,
    )
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_FLOOR_FILE": str(folder / "floor.html"),
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        # One proxy of ours in front (nginx, or the load generator playing it): the
        # rate limit counts the address it names, one per simulated person.
        "TRUSTED_PROXY_COUNT": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def start_web(env: dict, name: str, *, page_cache: bool) -> Web:
    port = free_port()
    env = env | {"PAGE_CACHE_SECONDS": "300" if page_cache else "0"}
    process = Process(
        name,
        [PYTHON, "-m", "gunicorn", "referral_site.wsgi",
         "--bind", f"127.0.0.1:{port}", "--timeout", "30",
         "--access-logfile", "/dev/null"],
        env=env,
        log=REPORTS / "logs" / f"{name}.log",
    )  # fmt: skip
    web = Web(port=port, env=env, process=process)
    wait_for_healthz(process, web, timeout=60)
    return web


def nice_as_in_compose(service: str) -> str:
    """The nice level whose CPU weight is nearest `service`'s cpu_shares in
    docker-compose.yml: when the cores are busy, the bench's processes share them as
    production's containers do (web 1024, nice 0; the callbacks worker 512, nice 3;
    mail 256, nice 6)."""
    shares = yaml.safe_load(COMPOSE.read_text())["services"][service].get(
        "cpu_shares", NICE_WEIGHTS[0]
    )
    return str(
        min(range(len(NICE_WEIGHTS)), key=lambda n: abs(NICE_WEIGHTS[n] - shares))
    )


def start_worker(env: dict) -> Process:
    worker = Process(
        "worker",
        ["nice", "-n", nice_as_in_compose("worker"),
         PYTHON, "-m", "celery", "-A", "referral_site", "worker",
         "--queues", "celery", "--concurrency", str(WORKER_CONCURRENCY),
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env=env,
        log=REPORTS / "logs" / "worker.log",
    )  # fmt: skip
    # E-mail on its own queue and worker, as docker-compose runs it.
    Process(
        "mail-worker",
        ["nice", "-n", nice_as_in_compose("mail"),
         PYTHON, "-m", "celery", "-A", "referral_site", "worker",
         "--queues", "mail", "--concurrency", str(MAIL_CONCURRENCY),
         "--hostname", "mail@%h",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env=env,
        log=REPORTS / "logs" / "mail-worker.log",
    )  # fmt: skip
    return worker


def start_nginx(folder: Path, web: Web) -> tuple[int, int]:
    if not shutil.which("nginx"):
        raise AuditError("nginx is not installed: apt-get install -y nginx wrk")
    proxy_port, static_port = free_port(), free_port()
    try:
        write_nginx_conf(
            folder,
            web_port=web.port,
            proxy_port=proxy_port,
            static_port=static_port,
            log=REPORTS / "logs" / "nginx-error.log",
        )
    except ValueError as error:  # the shipped file changed under us
        raise AuditError(str(error)) from None
    Process(
        "nginx",
        ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder),
         "-g", "daemon off;"],
        env=dict(os.environ),
        log=REPORTS / "logs" / "nginx.log",
    )  # fmt: skip
    site = type("Site", (), {"port": static_port})
    wait_until(
        lambda: Client(site).get("/article").status == 200,
        timeout=20,
        what="nginx",
    )
    return proxy_port, static_port


def start(folder: Path) -> Stack:
    (REPORTS / "logs").mkdir(parents=True, exist_ok=True)
    smtp_port = free_port()
    # Playing the mail relay, which in production is another machine: below the
    # stack in the CPU's queue, so that it takes only the cores the stack leaves.
    Process(
        "smtp-sink",
        ["nice", "-n", "10", PYTHON, str(SMTP_SINK), str(smtp_port),
         str(folder / "mail")],
        env=dict(os.environ),
        log=REPORTS / "logs" / "smtp.log",
    )  # fmt: skip
    env = _env(folder, free_port(), smtp_port)
    prepare(
        env,
        logs=REPORTS / "logs",
        database=DATABASE,
        redis_dbs=(BROKER_DB, CACHE_DB),
        scripts=(("room", ROOM),),
    )
    floor_file = folder / "floor.html"
    floor_file.write_bytes(b"")  # filled in once the article's path is known
    web = start_web(env, "gunicorn", page_cache=True)
    uncached = start_web(env, "gunicorn-uncached", page_cache=False)
    worker = start_worker(env)
    proxy_port, static_port = start_nginx(folder, web)
    say(f"Up: gunicorn {web.origin}, uncached {uncached.origin}, nginx :{proxy_port}")
    return Stack(
        folder=folder,
        env=env,
        web=web,
        uncached=uncached,
        worker=worker,
        proxy_port=proxy_port,
        static_port=static_port,
        floor_file=floor_file,
    )


def clean_up(folder: Path) -> None:
    Process.stop_all()
    audit_stack.clean_up(folder, database=DATABASE, redis_dbs=(BROKER_DB, CACHE_DB))


__all__ = ["REDIS", "Stack", "clean_up", "rss_kib", "start"]
