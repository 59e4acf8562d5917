"""The Contact panel in a real browser: a denial, a consent with its proof, then an allow."""

import re

import pytest
from playwright.sync_api import expect

from consent.models import OutreachAttempt
from prospects import services as prospect_services
from tests.browser.conftest import login, screenshot
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = pytest.mark.browser


def htmx_settled(page) -> None:
    """Wait until htmx has swapped and wired the new panel, as a person waits for the page."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def type_message(page, text: str) -> None:
    """Key by key, as a person types: the live check listens to the keystrokes."""
    htmx_settled(page)
    box = page.locator("#id_content")
    box.fill("")
    box.press_sequentially(text, delay=5)


def test_a_rep_is_denied_records_consent_and_is_then_allowed(page, live_server):
    rep = EmployeeFactory(role="rep", user__username="alice", compliant=True)
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "kind": "b2c",
            "email": "camille.martin@example.fr",
            "lawful_basis": "legitimate_interest",
        },
    )
    account = SocialAccountFactory(employee=rep)
    login(page, live_server, rep.user.username)
    page.goto(f"{live_server.url}/prospects/{prospect.pk}/")

    panel = page.locator("#contact-panel-body")
    expect(panel.get_by_role("heading", name="Contact")).to_be_visible()
    page.select_option("#id_channel", "social_message")
    page.select_option("#id_social_account", str(account.pk))
    type_message(page, "Bonjour Camille, je vous écris au sujet de votre projet.")
    decision = page.locator("#gate-decision")
    expect(decision.locator(".verdict")).to_have_attribute("data-decision", "deny", timeout=15000)
    expect(decision.locator('[data-code="no_opt_in"]')).to_contain_text("Record an opt-in")
    screenshot(page, "contact-denied")

    page.get_by_text("Record a consent or an opt-out, with its proof").click()
    consent_form = panel.locator("form", has=page.locator("select[name=consent-evidence]"))
    consent_form.locator("select[name=consent-channel]").select_option("social_message")
    consent_form.locator("select[name=consent-action]").select_option("grant")
    consent_form.locator("select[name=consent-evidence]").select_option("written_reply")
    consent_form.locator("textarea[name=consent-proof]").fill(
        "Replied 'yes, send it' to my DM on 3 May"
    )
    consent_form.locator("input[name=consent-purpose]").fill("Our offer by direct message")
    consent_form.locator("input[name=consent-wording_shown]").fill("May I send you our offer here?")
    consent_form.get_by_role("button", name="Record").click()
    expect(panel.locator("td .allow")).to_have_text("Opt-in")
    # Recorded in place: the draft is still there, checked again against the new consent.
    expect(page.locator("#id_content")).to_have_value(
        "Bonjour Camille, je vous écris au sujet de votre projet."
    )
    expect(page.locator("#id_channel")).to_have_value("social_message")
    expect(page.locator("#id_social_account")).to_have_value(str(account.pk))

    page.select_option("#id_channel", "social_message")
    page.select_option("#id_social_account", str(account.pk))
    type_message(page, "Bonjour Camille, voici notre offre comme convenu.")
    expect(page.locator("#gate-decision .verdict")).to_have_attribute(
        "data-decision", "allow", timeout=15000
    )
    screenshot(page, "contact-allowed")

    page.get_by_role("button", name="Log this outreach").click()
    expect(panel.locator(".final-content")).to_contain_text("STOP")
    # Logged: the box and the button are gone; only "Log another" starts a new draft.
    expect(panel.get_by_role("button", name="Log another")).to_be_visible()
    expect(panel.get_by_role("button", name="Log this outreach")).to_have_count(0)
    panel.get_by_role("button", name="Copy the text").click()
    expect(panel.locator(".copy-status")).to_have_text(re.compile("Copied|Select the text"))
    screenshot(page, "contact-logged")
    assert OutreachAttempt.objects.get().decision == "allow"


def test_after_an_objection_the_panel_says_do_not_contact(page, live_server):
    rep = EmployeeFactory(role="rep", user__username="alice", compliant=True)
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "Camille Martin", "kind": "b2c", "email": "camille@example.fr"},
    )
    login(page, live_server, rep.user.username)
    page.goto(f"{live_server.url}/prospects/{prospect.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    htmx_settled(page)
    page.get_by_role("button", name="The person objects to any contact").click()
    banner = page.get_by_role("alert").filter(has_text="Do not contact")
    expect(banner).to_be_visible()
    expect(page.locator("#contact-form")).to_have_count(0)
    screenshot(page, "contact-do-not-contact")
