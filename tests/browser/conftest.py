"""Headless Chromium for the browser tests: Debian's package, never a downloaded browser.

Without /usr/bin/chromium the tests marked ``browser`` are skipped with the
reason named; with ``REQUIRE_SERVICES=1`` a missing browser fails the run instead.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Page, sync_playwright

from tests.factories import TEST_PASSWORD

# Playwright's sync API keeps an asyncio event loop running in the test thread, and
# Django then refuses the factories' ORM calls in that thread. Nothing async touches
# the database here, so the guard is only noise. It is process-wide once set, which
# is why it lives in this conftest: runs that skip tests/browser keep the guard.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Failures should say what was on screen quickly, not after Playwright's 30 s default.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(
            f"REQUIRE_SERVICES=1 but {CHROMIUM} is missing (apt install chromium)"
        )
    skip = pytest.mark.skip(reason=f"needs {CHROMIUM} (apt install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_csp_violation(request):
    """No page of a browser test may break the Content-Security-Policy: a blocked inline
    style or script is a broken page for the user, and a report at ``/csp-report/``."""
    from socialcrm.views import csp_reports_received

    before = csp_reports_received()
    yield
    if "csp_violation_expected" not in request.keywords:
        assert csp_reports_received() == before, "a page reported a CSP violation (see the log)"


class SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time (with ``Connection: close``).

    On the embedded default the test database is SQLite in memory, and the live
    server's threads share its one connection; a page's polling request and a form
    post at the same moment would interleave on it. A browser waits its turn instead.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(request, browser):
    """A fresh context (cookies, language) per test; parametrize indirectly with a locale."""
    context = browser.new_context(
        locale=getattr(request, "param", "en-US"), viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    if getattr(request.node, "browser_test_failed", False):
        screenshot(tab, f"failed-{request.node.name}")
    context.close()


def login(page: Page, live_server, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/ so a person can look at what the test saw."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
