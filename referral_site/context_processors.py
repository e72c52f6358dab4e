from django.conf import settings


def site(request) -> dict:
    """What every page shows: the service's name and its registration."""
    return {
        "site_name": settings.SITE_NAME,
        "ico_registration": settings.ICO_REGISTRATION,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
