"""The main pages of each role, on a phone and at a desk, in English and French.

Each page must fit the screen on a phone, show no internal code, hold no id twice, and pass
axe-core with no serious or critical violation; a screenshot of each lands in ``test-artifacts/``.
"""

import datetime
import uuid

import pytest
from django.utils import timezone

from deals.models import Deal
from tests.browser.conftest import login
from tests.browser.pagechecks import check_page, open_page
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(db, charters_in_force):
    manager = EmployeeFactory(role="manager", user__username="marion", compliant=True)
    rep = EmployeeFactory(role="rep", user__username="alice", manager=manager, compliant=True)
    SocialAccountFactory(employee=rep, network="linkedin", handle="alice-sells")
    prospect = ProspectFactory(
        owner=rep,
        full_name="Camille Morel",
        company="Fromagerie Morel",
        job_title="Directrice achats",
        email="camille.morel@example.com",
        network="linkedin",
        source="linkedin_import",
        notice_due_at=timezone.now() - datetime.timedelta(days=2),
    )
    for n in range(3):
        ProspectFactory(owner=rep, full_name=f"Hugo Bernard{n}", company="Atelier Bernard")
    Deal.objects.create(prospect=prospect, owner=rep, product="Abonnement annuel", amount="1200.00")
    return {
        "rep": rep,
        "manager": manager,
        "dpo": EmployeeFactory(role="dpo", user__username="delphine"),
        "hr": EmployeeFactory(role="hr", user__username="hugues"),
        "prospect": prospect,
    }


def _pages(people):
    prospect = people["prospect"]
    return {
        "rep": [
            ("home", "/"),
            ("prospects", "/prospects/"),
            ("prospect", f"/prospects/{prospect.pk}/"),
            ("import", "/prospects/import/"),
            ("social-accounts", "/me/accounts/"),
            ("deals", "/deals/"),
            ("my-compliance", "/me/compliance/"),
            ("not-found", f"/prospects/{uuid.uuid4()}/"),
        ],
        "manager": [
            ("team-prospects", "/prospects/"),
            ("content-library", "/content/"),
            ("pipeline", "/deals/pipeline/"),
            ("team", "/team/"),
            ("team-outreach", "/team/outreach/"),
        ],
        "dpo": [
            ("dpo-dashboard", "/dpo/"),
            ("dpo-notices-overdue", "/prospects/?notice=overdue"),
            ("dsar-list", "/dsar/"),
            ("suppression", "/privacy/suppression/"),
            ("register", "/register/"),
        ],
        "hr": [("hr-home", "/"), ("offboardings", "/offboarding/"), ("forbidden", "/prospects/")],
    }


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_main_pages_fit_speak_plainly_and_pass_axe(
    browser, live_server, people, viewport, locale
):
    page = open_page(browser, viewport, locale)
    failures = []
    try:
        page.goto(f"{live_server.url}/login/")
        try:
            check_page(page, "login", viewport, locale)
        except AssertionError as failure:
            failures.append(f"login: {failure}")
        for role, pages in _pages(people).items():
            page.context.clear_cookies()
            login(page, live_server, people[role].user.username)
            for name, path in pages:
                page.goto(f"{live_server.url}{path}")
                try:
                    check_page(page, name, viewport, locale)
                except AssertionError as failure:
                    failures.append(f"{role} {name}: {failure}")
    finally:
        page.context.close()
    assert not failures, "\n".join(failures)
