from django.conf import settings

from .middleware import referrer_policy_for


def site(request) -> dict:
    """What every page shows: the service's name and its registration; and the
    referrer policy its <meta> repeats (strict on the private link's pages)."""
    return {
        "referrer_policy": referrer_policy_for(request.path),
        "site_name": settings.SITE_NAME,
        "ico_registration": settings.ICO_REGISTRATION,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
