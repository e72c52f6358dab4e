"""The Celery app: reads every CELERY_* Django setting, finds each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.dev")

app = Celery("referral_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
