"""ASGI entry point, for an ASGI server should one ever be used."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.prod")

application = get_asgi_application()
