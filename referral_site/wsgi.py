"""WSGI entry point for gunicorn: `gunicorn referral_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.prod")

application = get_wsgi_application()
