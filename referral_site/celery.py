"""The Celery app: reads every CELERY_* Django setting, finds each app's tasks.py.

kombu's Redis transport is patched first (referral_site/kombu_fixes.py), so that a
broker that drops or fills up delays work and never stops the worker. The worker
warms up (referral_site/warm.py) before it forks its pool, so that its processes
start with the templates compiled.
"""

import os

from celery import Celery, signals
from django.db import close_old_connections

from . import kombu_fixes
from .warm import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.dev")
kombu_fixes.apply()

app = Celery("referral_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _warm_up_before_forking(**kwargs) -> None:
    warm_up(app)


# Celery's Django fixup closes the database connection before and after every task
# (a new PostgreSQL connection, and a new server process, for each) unless
# CELERY_DB_REUSE_MAX is set, as the settings do. These do instead what Django does
# around each request: keep the connection up to CONN_MAX_AGE, check it before use
# (CONN_HEALTH_CHECKS), and drop one that failed or was left mid-transaction.
@signals.task_prerun.connect
@signals.task_postrun.connect
def _database_as_around_a_request(task=None, **kwargs) -> None:
    if not getattr(task.request, "is_eager", False):  # eager: the caller's own
        close_old_connections()
