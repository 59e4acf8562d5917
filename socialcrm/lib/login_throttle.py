"""Counting failed logins per username and per client address.

Keys are hashes, so the cache never holds a username. After
``LOGIN_FAILURE_LIMIT`` failures in ``LOGIN_FAILURE_WINDOW_SECONDS`` further
attempts are refused without checking the password, whether or not the
username exists (no enumeration).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    return [f"login-fail:u:{digest(username.strip().lower())}", f"login-fail:a:{digest(address)}"]


def is_blocked(username: str, address: str) -> bool:
    # The per-address budget is wider: an office shares one address.
    user_key, address_key = _keys(username, address)
    limit = settings.LOGIN_FAILURE_LIMIT
    return (cache.get(user_key) or 0) >= limit or (cache.get(address_key) or 0) >= 4 * limit


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def reset(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
