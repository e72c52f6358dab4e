"""The site as production runs it, on a free loopback port: referral_site.settings.prod
under gunicorn, a fresh PostgreSQL database, two emptied Redis databases, static
files collected into a temporary folder, the demo content. clean_up() drops and
empties them again."""

import contextlib
import os
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import redis
from cryptography.fernet import Fernet

from harness.processes import free_port

from .pages import Client
from .processes import REPORTS, AuditError, Process, remaining, say, tail, wait_until

PYTHON = sys.executable

# Our own database on the shared PostgreSQL, and Redis databases no test uses
# (the integration tests take 15): broker 13, cache 14, as prod.py wants them apart.
POSTGRES = os.environ.get("AUDIT_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "referral_site_audit"
REDIS = os.environ.get("AUDIT_REDIS", "redis://127.0.0.1:6379")
BROKER_DB, CACHE_DB = 13, 14

STEP_SECONDS = {"migrate": 240, "collectstatic": 180, "seed": 120, "renditions": 60}
WEB_READY_SECONDS = 60

# Variables of ours the calling shell might carry: the run sets its own.
_OURS = ("DJANGO_", "DATABASE_", "CELERY_", "CACHE_", "MAIL_", "ENQUIRY_", "CALLBACK_")
_OURS += ("SITE_", "STATIC_", "BROKER_", "MEDIA_", "FIELD_ENCRYPTION_", "TRUSTED_")


@dataclass
class Site:
    port: int
    env: dict
    folder: Path

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def production_env(
    *,
    port: int,
    folder: Path,
    database: str = DATABASE,
    broker_db: int = BROKER_DB,
    cache_db: int = CACHE_DB,
) -> dict:
    """What referral_site/settings/prod.py insists on. Two differences from a live
    site: no HTTPS redirect (there is no TLS here), and no minimum fill time for the
    spam guard (the runner posts the form at once)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return env | {
        "DJANGO_SETTINGS_MODULE": "referral_site.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "CELERY_BROKER_URL": f"{REDIS}/{broker_db}",
        "CACHE_URL": f"{REDIS}/{cache_db}",
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


def reset_database(database: str = DATABASE) -> None:
    connection = psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{database}"')
    finally:
        connection.close()


def drop_database(database: str = DATABASE) -> None:
    with contextlib.suppress(psycopg2.Error):
        connection = psycopg2.connect(f"{POSTGRES}/postgres", connect_timeout=10)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.close()


def empty_redis(numbers: tuple[int, ...] = (BROKER_DB, CACHE_DB)) -> None:
    for number in numbers:
        client = redis.Redis.from_url(f"{REDIS}/{number}", socket_timeout=5)
        client.flushdb()
        client.close()


def clean_up(
    folder: Path,
    *,
    database: str = DATABASE,
    redis_dbs: tuple[int, ...] = (BROKER_DB, CACHE_DB),
) -> None:
    """Empty the Redis databases, drop the database, remove `folder`. Run after
    Process.stop_all(), whatever became of the run."""
    with contextlib.suppress(redis.RedisError):
        empty_redis(redis_dbs)
    drop_database(database)
    shutil.rmtree(folder, ignore_errors=True)


def run_step(name: str, args: list[str], *, env: dict, logs: Path) -> None:
    log = logs / f"{name}.log"
    process = Process(name, args, env=env, log=log)
    if process.wait(timeout=remaining(STEP_SECONDS.get(name, 120))):
        raise AuditError(f"{name} failed:\n{tail(log)}")


RENDITIONS = """
from articles.models import ArticleImage
from articles.tasks import article_image_make_renditions
for pk in ArticleImage.objects.values_list("pk", flat=True):
    article_image_make_renditions(pk)
"""


def prepare(
    env: dict,
    *,
    logs: Path,
    database: str = DATABASE,
    redis_dbs: tuple[int, ...] = (BROKER_DB, CACHE_DB),
    scripts: tuple[tuple[str, str], ...] = (),
) -> None:
    """A fresh database and emptied Redis databases; migrate, seed_demo, the demo
    pictures' renditions, then each (name, Python) of `scripts` in `manage.py
    shell`; collectstatic meanwhile. Shared by `make audit` and `make bench`."""
    manage = [PYTHON, "manage.py"]
    say("Preparing: a fresh database, migrate, collectstatic, seed_demo...")
    reset_database(database)
    empty_redis(redis_dbs)
    collect = Process(
        "collectstatic",
        [*manage, "collectstatic", "--noinput"],
        env=env,
        log=logs / "collectstatic.log",
    )
    run_step("migrate", [*manage, "migrate", "--noinput"], env=env, logs=logs)
    run_step("seed", [*manage, "seed_demo", "--force"], env=env, logs=logs)
    for name, script in (("renditions", RENDITIONS), *scripts):
        run_step(name, [*manage, "shell", "-c", script], env=env, logs=logs)
    if collect.wait(timeout=remaining(STEP_SECONDS["collectstatic"])):
        raise AuditError(f"collectstatic failed:\n{tail(collect.log)}")


def wait_for_healthz(web: Process, site, *, timeout: float) -> None:
    """Until gunicorn (`web`) answers `site`'s /healthz with 200; an AuditError
    with the end of its log as soon as it exits."""

    def answers() -> bool:
        if not web.alive():
            raise AuditError(f"{web.name} exited:\n{tail(web.log)}")
        return Client(site).get("/healthz").status == 200

    wait_until(answers, timeout=timeout, what=f"{web.name}'s /healthz")


def start_site(folder: Path) -> Site:
    port = free_port()
    env = production_env(port=port, folder=folder)
    logs = REPORTS / "logs"
    prepare(env, logs=logs)
    web = Process(
        "gunicorn",
        # gunicorn.conf.py (read from the project folder) sets the redacting logger.
        [PYTHON, "-m", "gunicorn", "referral_site.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"],
        env=env,
        log=logs / "gunicorn.log",
    )  # fmt: skip
    site = Site(port=port, env=env, folder=folder)
    wait_for_healthz(web, site, timeout=WEB_READY_SECONDS)
    say(f"The site answers at {site.origin} (production settings).")
    return site
