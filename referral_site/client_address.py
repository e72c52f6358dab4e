"""The client's address, as far as it can be trusted: one answer for the enquiry
rate limit (RATELIMIT_IP_META_KEY), the login lockout (AXES_CLIENT_IP_CALLABLE) and
the audit log.

X-Forwarded-For is a list anyone can start: a client may send any addresses it
likes, and each proxy on the way appends the address it saw connecting. Only the
entries our own proxies appended can be believed, and those are the right-most
TRUSTED_PROXY_COUNT entries. With TRUSTED_PROXY_COUNT = 0 (no proxy) the header is
ignored and the connection's own address is used. That is safe only if nothing but
our proxy can reach gunicorn: it listens on loopback or a socket (docs/security.md).
"""

import ipaddress
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# When no address can be found at all (a Unix socket with TRUSTED_PROXY_COUNT = 0,
# a misconfiguration): everyone shares one rate-limit count, rather than no count.
# An address to count by: nothing listens on it.
UNKNOWN = "0.0.0.0"  # nosec B104


def _address(value: str) -> str | None:
    """`value` as a canonical IP address, or None when it is not one."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        if address.scope_id:  # "fe80::1%eth0": the zone names our interface only
            return str(ipaddress.IPv6Address(str(address).split("%")[0]))
    return str(address)


def client_ip(request: HttpRequest) -> str:
    """The address of whoever connected to our outermost trusted proxy.

    With TRUSTED_PROXY_COUNT = n > 0, the n-th X-Forwarded-For entry from the right
    (the one the outermost of our proxies appended). Falls back to REMOTE_ADDR when
    the header is missing, too short or that entry is not an address; never raises.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = (request.headers.get("x-forwarded-for") or "").split(",")
        forwarded = _address(hops[-count]) if len(hops) >= count else None
        if forwarded:
            return forwarded
        # Our proxy always sets the header: without it the request did not come
        # through the proxy (the load balancer's own health probe, say), or the
        # proxy is misconfigured. Debug only: probes come every few seconds.
        logger.debug(
            "X-Forwarded-For has no usable entry %d from the right; using the"
            " connection's address.",
            count,
        )
    return remote or UNKNOWN


# The address of the request being served, for records written deep in a service
# (the enquiries audit log) without passing the request down. Set by
# referral_site.middleware.SiteSecurityMiddleware; None outside a request (a task,
# a management command).
_serving: ContextVar[str | None] = ContextVar("client_ip", default=None)


@contextmanager
def serving(address: str) -> Iterator[None]:
    token = _serving.set(address)
    try:
        yield
    finally:
        _serving.reset(token)


def current_client_ip() -> str | None:
    """The client address of the request being served, if any."""
    return _serving.get()
