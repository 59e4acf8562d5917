"""The sign-in lockout's policy, plugged into django-axes.

django-axes sees every password check (the login page, ``POST /api/auth/token/``,
``/admin/login/``: all go through ``authenticate``), refuses a locked-out attempt
before the password is checked, and answers it. What is ours:

- the username is normalised (NFKC, case-folded, stripped): ``ＤＯＲＡ`` and
  ``Dora `` count for ``dora``;
- the address is ``client_address`` (the connection or a trusted proxy);
- each counter has its own budget. A username at one address gets
  ``LOGIN_FAILURE_LIMIT`` failures. A username across every address, and an
  address across every username, get ``LOGIN_WIDE_FAILURE_FACTOR`` times that:
  an office behind one address is not locked out by one person's typos or one
  attacker's guesses on one account, and one attacker cannot lock a person
  out everywhere from a single address;
- failures are counted in the cache under hashed keys, so no username or
  address is stored or logged; a refused attempt is not counted again (it
  checked no password), and a success clears the counters that name the user.

The same answer whether or not the username exists: nothing here looks a user up.
"""

import datetime
import hashlib
import json
import logging
import unicodedata

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache, get_cache_timeout, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

LOCKED_OUT_MESSAGE = _("Too many failed attempts. Wait a few minutes before trying again.")


def normalise_username(value) -> str:
    """The form a username is counted under: look-alikes and case variants share one counter."""
    return unicodedata.normalize("NFKC", str(value or "")).casefold().strip()


def username_of(request, credentials: dict | None) -> str:
    """``AXES_USERNAME_CALLABLE``: the normalised username of the attempt."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return normalise_username(credentials.get(field))
    data = getattr(request, "data", None)
    if not hasattr(data, "get"):
        data = request.POST
    return normalise_username(data.get(field))


def failure_limit(request, credentials: dict | None) -> int:
    """``AXES_FAILURE_LIMIT``: read per attempt, so the setting can change without a restart."""
    return settings.LOGIN_FAILURE_LIMIT


def cool_off(request) -> datetime.timedelta:
    """``AXES_COOLOFF_TIME``: counters expire this long after the last failure."""
    return datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_refused(request) -> bool:
    """The lockout refused this attempt (the password was not checked)."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the answer to a refused attempt on a page without its own.

    The login page and the token endpoint answer the lockout in their own words (429,
    the form or the API's error body); the admin's login gets this plain 429.
    """
    if original_response is not None and original_response.status_code == 429:
        return original_response
    return HttpResponse(str(LOCKED_OUT_MESSAGE), status=429, content_type="text/plain")


def _key(fields: dict[str, str]) -> str:
    # Named fields, so a username that reads like an address is not that address's counter.
    text = json.dumps(sorted(fields.items()))
    return "lockout:" + hashlib.sha256(text.encode()).hexdigest()


def _field_sets() -> list[frozenset[str]]:
    return [
        frozenset([parameter] if isinstance(parameter, str) else parameter)
        for parameter in settings.AXES_LOCKOUT_PARAMETERS
    ]


class LockoutHandler(AxesCacheHandler):
    """axes' cache handler, with a budget per counter instead of one for all."""

    def __init__(self):
        # axes keeps one handler per process: the cache is looked up at each use instead of
        # held, so a changed CACHES setting (a test's dead Redis) reaches the lockout too.
        pass

    @property
    def cache(self):
        return get_cache()

    def _counters(self, request, credentials, *, username=None) -> list[tuple[str, int, bool]]:
        """(cache key, budget, names the user) for each of ``AXES_LOCKOUT_PARAMETERS``."""
        limit = get_failure_limit(request, credentials)
        wide = limit * settings.LOGIN_WIDE_FAILURE_FACTOR
        values = {
            "username": username_of(request, credentials) if username is None else username,
            "ip_address": request.axes_ip_address,
        }
        return [
            (
                _key({name: values[name] for name in fields}),
                limit if fields == {"username", "ip_address"} else wide,
                "username" in fields,
            )
            for fields in _field_sets()
        ]

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures of the counter nearest its budget, on the scale of the limit.

        axes locks when this reaches ``AXES_FAILURE_LIMIT``: that is, when any counter
        reaches its own budget.
        """
        limit = get_failure_limit(request, credentials)
        return max(
            self.cache.get(key, default=0) * limit // budget
            for key, budget, _names_user in self._counters(request, credentials)
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            logger.error("sign-in failure without a request: not counted")
            return
        if is_refused(request):
            # Refused before the password was checked: not a new guess, and counting it
            # would let hammering on a locked account use up the address's budget.
            request.axes_credentials = credentials
            return
        timeout = get_cache_timeout(request)
        for key, _budget, _names_user in self._counters(request, credentials):
            if not self.cache.add(key, 1, timeout=timeout):
                self.cache.incr(key)
                self.cache.touch(key, timeout=timeout)
        logger.info("sign-in failure counted")
        # This attempt was answered normally; the next one on a spent counter is refused.
        if self.is_locked(request, credentials):
            logger.warning("sign-in locked after repeated failures")
            user_locked_out.send(
                "axes",
                request=request,
                username=username_of(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def user_logged_in(self, sender, request, user, **kwargs):
        """A success clears the counters naming the user; the address's wide budget stays."""
        username = normalise_username(user.get_username())
        for key, _budget, names_user in self._counters(request, None, username=username):
            if names_user:
                self.cache.delete(key)

    def user_logged_out(self, sender, request, user, **kwargs):
        pass

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """For axes' reset commands: clear the counters the given username and address name.

        ``axes_reset_username dora`` clears dora's counter across addresses; her counter at
        one address needs that address too (``axes_reset_ip_username``), or expires.
        """
        values = {"username": normalise_username(username), "ip_address": ip_address}
        cleared = 0
        for fields in _field_sets():
            if all(values[name] for name in fields):
                cleared += bool(self.cache.delete(_key({name: values[name] for name in fields})))
        return cleared
