"""The public form's rate limits, which must never cost a person their enquiry.

The counts live in the shared cache (Redis in production). When the cache is down,
frozen or full, the limit fails open: the send goes through and the failure is
logged. A few unlimited sends for the length of an outage are a far smaller harm
than a person in trouble losing what they typed.
"""

import logging

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def over_the_limit(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count this request against `rate` per client address; True when over it.
    False, and a warning logged, when the cache cannot be reached."""
    try:
        return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
    except Exception:  # any cache failure is handled the same way: let it through
        logger.warning(
            "Rate limit %s not checked: the cache is unavailable; request let through.",
            group,
            exc_info=True,
        )
        return False
