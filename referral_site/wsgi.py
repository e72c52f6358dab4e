"""WSGI entry point for gunicorn: `gunicorn referral_site.wsgi`.

Each worker warms itself up (referral_site/warm.py) while it boots, before it takes
its first request.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.prod")

application = get_wsgi_application()

from . import celery_app  # noqa: E402 (after the apps are loaded)
from .warm import warm_up  # noqa: E402

warm_up(celery_app)
