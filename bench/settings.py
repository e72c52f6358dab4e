"""Production settings, plus one view: the framework's floor (bench/urls.py)."""

from referral_site.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
