"""The rep's day in a real browser, on a phone and at a desk, in English and French:
list → prospect → check → log → "Log another" → a follow-up for today → home shows it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent.services import consent_record
from prospects import services as prospect_services
from tests.browser.conftest import login
from tests.browser.pagechecks import LOCALES, assert_within_screens, check_page, open_page
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = pytest.mark.browser

MESSAGE = "Bonjour Camille, voici notre offre comme convenu."


def htmx_settled(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_rep_checks_logs_plans_a_follow_up_and_finds_it_on_today(
    browser, live_server, viewport, locale
):
    rep = EmployeeFactory(role="rep", user__username="alice", compliant=True)
    account = SocialAccountFactory(employee=rep, network="linkedin", handle="alice-sells")
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "company": "Martin Conseil",
            "job_title": "Directrice commerciale",
            "kind": "b2c",
            "email": "camille.martin@example.fr",
            "profile_url": "https://www.linkedin.com/in/camille-martin",
            "network": "linkedin",
            "lawful_basis": "legitimate_interest",
        },
    )
    consent_record(
        actor=rep.user,
        captured_by=rep,
        prospect=prospect,
        channel="social_message",
        action="grant",
        evidence="written_reply",
        purpose="Our offer by direct message",
        proof="Replied yes to my DM of 3 May",
        wording_shown="May I send you our offer here?",
    )
    page = open_page(browser, viewport, locale)
    try:
        login(page, live_server, rep.user.username)
        check_page(page, "rep-day-home-before", viewport, locale)

        page.goto(f"{live_server.url}/prospects/")
        check_page(page, "rep-day-list", viewport, locale)
        page.locator("main").get_by_role("link", name="Camille Martin").first.click()
        expect(page.locator("h1")).to_have_text("Camille Martin")

        form = page.locator("#contact-form")
        expect(form).to_be_visible()
        htmx_settled(page)
        assert_within_screens(page, "#contact-panel", 2)
        page.select_option("#id_channel", "social_message")
        page.select_option("#id_social_account", str(account.pk))
        box = page.locator("#id_content")
        box.fill("")
        box.press_sequentially(MESSAGE, delay=5)
        verdict = page.locator("#gate-decision .verdict")
        expect(verdict).to_have_attribute("data-decision", "allow", timeout=15000)
        htmx_settled(page)
        check_page(page, "rep-day-prospect-checked", viewport, locale)

        form.locator("button[type=submit]:not([name])").click()
        panel = page.locator("#contact-panel-body")
        expect(panel.locator(".final-content")).to_contain_text(MESSAGE)
        log_another = panel.locator(".log-another button")
        expect(log_another).to_be_visible()
        expect(page.locator("#contact-form")).to_have_count(0)
        expect(page.locator("#id_content")).to_have_count(0)
        expect(
            panel.locator("a[href='https://www.linkedin.com/in/camille-martin']")
        ).to_be_visible()

        follow_ups = panel.locator("#follow-ups")
        expect(follow_ups.locator("details.follow-up-add")).to_have_attribute("open", "")
        follow_ups.locator("#id_follow_up-due_on").fill(timezone.localdate().isoformat())
        follow_ups.locator("#id_follow_up-note").fill("Rappeler pour la démo")
        follow_ups.locator("form.stacked button[type=submit]").click()
        expect(panel.locator("#follow-ups .follow-up-list")).to_contain_text(
            "Rappeler pour la démo"
        )
        htmx_settled(page)
        check_page(page, "rep-day-prospect-logged", viewport, locale)

        log_another.click()
        expect(page.locator("#id_content")).to_have_value("")
        expect(page.locator(".log-another")).to_have_count(0)

        page.goto(f"{live_server.url}/")
        today = page.locator("#today")
        expect(today.get_by_role("link", name="Camille Martin")).to_be_visible()
        expect(today).to_contain_text("Rappeler pour la démo")
        check_page(page, "rep-day-home-today", viewport, locale)
    finally:
        page.context.close()
