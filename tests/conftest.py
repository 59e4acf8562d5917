"""Shared fixtures: named personas, API clients, and the real services.

Tests marked ``services`` need PostgreSQL and Redis (and start a real Celery
worker). On the embedded default they are skipped with the reason named;
with ``REQUIRE_SERVICES=1`` a missing service fails the run instead.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import EmployeeFactory


def _missing_services() -> list[str]:
    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("PostgreSQL (set DATABASE_URL=postgres://…)")
    if not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL=redis://…)")
    return missing


def pytest_configure(config):
    # Every factory-made employee gets a password: with the production hasher (PBKDF2, a
    # million rounds) that is half a second each. Tests about hashing set their own; the
    # servers started by tests/security and scripts/ keep the production one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth.hashers import get_hashers

    get_hashers.cache_clear()


def pytest_collection_modifyitems(config, items):
    missing = _missing_services()
    if not missing:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(f"REQUIRE_SERVICES=1 but not configured: {', '.join(missing)}")
    skip = pytest.mark.skip(reason=f"needs {', '.join(missing)}")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    missing = _missing_services()
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if missing:
        return f"socialcrm: embedded default ({database}); skipping tests that need {', '.join(missing)}"
    return f"socialcrm: real services ({database}, redis, celery worker)"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends back in the default language: a page asked for in French leaves
    French active in the thread (LocaleMiddleware), and the next test must not read it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttling counters live in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


# The prospecting personas have acknowledged the charters and been trained (RULES 13).
@pytest.fixture
def charters_in_force(db):
    """The charters the migration seeds, restored when a transactional test flushed them."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("charters.migrations.0002_seed_charters")
    seed.create_charters(apps, None)


@pytest.fixture
def rep(db):
    return EmployeeFactory(role="rep", compliant=True)


@pytest.fixture
def manager(db):
    return EmployeeFactory(role="manager", compliant=True)


@pytest.fixture
def dpo(db):
    return EmployeeFactory(role="dpo")


@pytest.fixture
def hr(db):
    return EmployeeFactory(role="hr")


@pytest.fixture
def admin_employee(db):
    return EmployeeFactory(role="admin", user__is_staff=True, user__is_superuser=True)


def api_client_for(employee) -> APIClient:
    """A client holding a new API token of the employee's (as POST /api/auth/token/ gives)."""
    from people.services import token_issue

    client = APIClient()
    token, _expires_at = token_issue(user=employee.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api_as():
    return api_client_for


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming from the Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from socialcrm.celery import app

    assert not app.conf.task_always_eager, "a real worker needs REDIS_URL"
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def task_runner(request, transactional_db):
    """Whatever runs jobs for this configuration, as a user would have it: a real Celery
    worker with Redis, the in-process runner on the embedded default (``make run``)."""
    from socialcrm.celery import app

    if app.conf.task_always_eager:
        yield None
    else:
        yield request.getfixturevalue("celery_worker")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and the app's mail pointed at it over SMTP."""
    from tests.mailserver import SMTPSink

    sink = SMTPSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.MAIL_RETRY_BASE_SECONDS = 0
    try:
        yield sink
    finally:
        sink.stop()
