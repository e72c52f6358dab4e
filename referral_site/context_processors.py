from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.urls import reverse_lazy

from articles.page_cache import kept_version
from enquiries.availability import opening_hours_in_words

from .middleware import referrer_policy_for

HELP_URL = reverse_lazy("enquiries:enquiry_create")


def site(request) -> dict:
    """What every page shows: the service's name, its phone line and hours, and its
    registration; and the referrer policy its <meta> repeats (strict on the private
    link's pages). `service_hours` is a callable: the template asks the database for
    the hours only on the pages that show them."""
    return {
        "referrer_policy": referrer_policy_for(request.path),
        "site_name": settings.SITE_NAME,
        "service_phone": settings.SERVICE_PHONE,
        "service_phone_link": "tel:"
        + "".join(
            c for c in settings.SERVICE_PHONE.split("(")[0] if c.isdigit() or c == "+"
        ),
        "service_hours": _hours_or_nothing,
        "ico_registration": settings.ICO_REGISTRATION,
        "site_url": settings.SITE_URL.rstrip("/"),
        # The Get help form, for the pages of apps below enquiries (articles').
        "help_url": HELP_URL,
        # For {% cache fragment_seconds "name" ... kept_version using="fragments" %}:
        # a callable, read only by the pages that keep a part.
        "kept_version": kept_version,
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
    }


def _hours_or_nothing() -> str:
    """The week's hours in words; nothing when the database cannot say (the outage
    page extends the site's base template, and must render with the database down)."""
    try:
        return opening_hours_in_words()
    except (DatabaseError, InterfaceError):
        return ""
