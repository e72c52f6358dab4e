"""The production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from clinicians.services.notify import RECORD_SENT_PATIENCE_SECONDS
from referral_site.celery import app
from referral_site.settings import base
from tests.support import PROD_ENV

ROOT = Path(__file__).resolve().parent.parent
GOOD = PROD_ENV
PROBE = (
    "import django; django.setup(); from django.conf import settings as s;"
    " print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
)


def _start(**changes) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in GOOD}
    env |= {key: value for key, value in (GOOD | changes).items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_starts_safe_by_default_when_given_its_secrets():
    result = _start()

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_production_stops_with_a_clear_message_without_each_secret():
    for name in (
        "DJANGO_SECRET_KEY",
        "FIELD_ENCRYPTION_KEY",
        "DATABASE_URL",
        "CACHE_URL",
    ):
        result = _start(**{name: None})
        assert result.returncode != 0, name
        assert f"Set the {name} environment variable" in result.stderr, name


def test_debug_is_on_in_production_only_when_asked_for():
    assert _start(DJANGO_DEBUG="true").stdout.split()[0] == "True"


# --- Celery: time limits and the beat schedule -----------------------------------

CELERY_PROBE = (
    "import django; django.setup(); from referral_site.celery import app; c = app.conf;"
    " print(c.task_soft_time_limit, c.task_time_limit,"
    " c.beat_schedule['articles-publish-scheduled']['schedule'],"
    " c.beat_schedule['callbacks-remind']['schedule'])"
)
CELERY_VARIABLES = (
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERY_TASK_TIME_LIMIT",
    "ARTICLE_PUBLISH_INTERVAL_SECONDS",
    "CALLBACK_BEAT_INTERVAL_SECONDS",
)


def _celery_conf(**changes) -> list[int]:
    """What the Celery app of a freshly started production process holds."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in GOOD and key not in CELERY_VARIABLES
    }
    env |= GOOD | changes
    result = subprocess.run(
        [sys.executable, "-c", CELERY_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return [int(value) for value in result.stdout.split()]


def test_the_celery_app_carries_the_task_time_limits():
    soft, hard = app.conf.task_soft_time_limit, app.conf.task_time_limit
    assert (soft, hard) == (
        settings.CELERY_TASK_SOFT_TIME_LIMIT,
        settings.CELERY_TASK_TIME_LIMIT,
    )
    assert 0 < soft < hard
    # An e-mail task: one SMTP try, then up to a minute recording that it was sent.
    smtp_timeout = base.MAILERS["default"]["OPTIONS"]["timeout"]
    assert soft >= smtp_timeout + RECORD_SENT_PATIENCE_SECONDS + 30
    # Killed before another run may take its e-mail claim, and before the broker
    # hands its message to another worker.
    assert hard < settings.CALLBACK_NOTIFY_LEASE_SECONDS
    assert hard < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_the_articles_beat_entry_has_its_own_interval():
    entry = app.conf.beat_schedule["articles-publish-scheduled"]
    assert entry["task"] == "articles.tasks.articles_publish_scheduled"
    assert entry["schedule"] == settings.ARTICLE_PUBLISH_INTERVAL_SECONDS


def test_time_limits_and_intervals_default_sanely():
    soft, hard, articles, callbacks = _celery_conf()

    assert (soft, hard) == (120, 150)
    assert (articles, callbacks) == (60, 60)  # articles: once a minute, as before


def test_time_limits_and_intervals_come_from_the_environment_each_on_its_own():
    conf = _celery_conf(
        CELERY_TASK_SOFT_TIME_LIMIT="90",
        CELERY_TASK_TIME_LIMIT="100",
        ARTICLE_PUBLISH_INTERVAL_SECONDS="300",
        CALLBACK_BEAT_INTERVAL_SECONDS="20",
    )

    assert conf == [90, 100, 300, 20]
