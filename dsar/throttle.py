"""A per-address rate limit for the public request page (the API uses DRF's scoped throttle)."""

import time

from django.conf import settings
from django.core.cache import cache

from core.client import client_address

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate() -> tuple[int, int]:
    count, _, period = settings.DSAR_PUBLIC_THROTTLE_RATE.partition("/")
    return int(count), _PERIODS[period[0]]


def allow(request) -> bool:
    """Count one attempt for the caller's address; False once over the limit in the window."""
    limit, period = _rate()
    key = f"dsar-public:{client_address(request)}:{int(time.time() // period)}"
    cache.add(key, 0, timeout=period)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=period)
        used = 1
    return used <= limit
