"""The Celery app: reads every CELERY_* Django setting, finds each app's tasks.py.

kombu's Redis transport is patched first (referral_site/kombu_fixes.py), so that a
broker that drops or fills up delays work and never stops the worker. The worker
warms up (referral_site/warm.py) before it forks its pool, so that its processes
start with the templates compiled.
"""

import os

from celery import Celery, signals

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
