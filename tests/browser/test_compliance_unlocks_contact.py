"""A new rep acknowledges the charters in the browser and the Contact panel unlocks."""

import datetime

import pytest
from playwright.sync_api import expect

from onboarding.services import training_record
from prospects import services as prospect_services
from tests.browser.conftest import login, screenshot
from tests.browser.test_contact_panel import type_message
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.browser


def test_acknowledging_the_charters_unlocks_the_contact_panel(
    page, live_server, charters_in_force, hr
):
    rep = EmployeeFactory(role="rep", user__username="newrep")
    training_record(actor=hr.user, employee=rep, completed_at=datetime.date(2026, 9, 1))
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Hugo Lambert",
            "company": "Lambert SA",
            # A professional address: a free-mail one would make him a consumer (RULES 4).
            "email": "hugo.lambert@lambert-sa.fr",
            "kind": "b2b",
            "lawful_basis": "legitimate_interest",
        },
    )
    login(page, live_server, rep.user.username)

    page.goto(f"{live_server.url}/prospects/{prospect.pk}/")
    page.select_option("#id_channel", "email")
    type_message(page, "Bonjour, au sujet de votre projet de CRM chez Lambert SA.")
    expect(page.locator("#gate-decision .verdict")).to_have_attribute(
        "data-decision", "deny", timeout=15000
    )
    expect(page.locator('#gate-decision [data-code="charter_missing"]')).to_be_visible()
    screenshot(page, "compliance-contact-locked")

    page.get_by_role("link", name="My compliance").click()
    buttons = page.get_by_role("button", name="I have read and acknowledge this charter")
    while buttons.count():
        buttons.first.click()
        page.wait_for_load_state()
    screenshot(page, "compliance-all-acknowledged")

    page.goto(f"{live_server.url}/prospects/{prospect.pk}/")
    page.select_option("#id_channel", "email")
    type_message(page, "Bonjour, au sujet de votre projet de CRM chez Lambert SA.")
    expect(page.locator("#gate-decision .verdict")).to_have_attribute(
        "data-decision", "allow", timeout=15000
    )
    screenshot(page, "compliance-contact-unlocked")
