"""The address a request comes from: the one place the app reads it.

Throttles (the public request page and API) and the sign-in lockout count per
address, so the address must be one the client cannot choose. It is the
connecting address (``REMOTE_ADDR``), unless ``TRUSTED_PROXY_COUNT`` reverse
proxies stand in front of the app: then each of them appended the address it saw
to ``X-Forwarded-For``, and the client's is that many entries from the right.
Entries further left were written by the client and are never read.
"""

import ipaddress

from django.conf import settings
from rest_framework import throttling


def client_address(request) -> str:
    """The client's address, as the connection or a trusted proxy reports it."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops == 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    # Fewer entries than proxies: the leftmost was still written by one of ours (the request
    # skipped the outer ones), so it is the furthest address a trusted proxy vouches for.
    candidate = entries[-min(hops, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Not an address (a misconfigured proxy): count on the connection rather than on text.
        return remote


class ClientAddressMixin:
    """For DRF throttles: count on ``client_address``, not on DRF's own reading of the headers."""

    def get_ident(self, request) -> str:
        return client_address(request)


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
