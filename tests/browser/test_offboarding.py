"""HR runs an offboarding in the browser to the final report; the DPO signs it off."""

import pytest
from playwright.sync_api import expect

from people.models import paris_today
from tests.browser.conftest import TIMEOUT_MS, login, screenshot
from tests.factories import EmployeeFactory
from tests.offboarding.conftest import account, book, leaver, successor  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_hr_runs_an_offboarding_to_the_signed_final_report(
    page,
    browser,
    live_server,
    task_runner,
    book,  # noqa: F811 - the offboarding fixtures imported above
    leaver,  # noqa: F811
    successor,  # noqa: F811
):
    hr = EmployeeFactory(role="hr", user__username="hugo-hr")
    dpo = EmployeeFactory(role="dpo", user__username="dora-dpo")
    login(page, live_server, hr.user.username)

    page.locator(f'a[href="/offboarding/new/{leaver.pk}/"]').click()
    page.fill("#id_departure_date", paris_today().isoformat())  # the last day
    page.select_option("#id_successor", str(successor.pk))
    page.get_by_role("button", name="Start offboarding").click()
    expect(page.locator("#id_confirm")).to_be_visible()  # refused without the confirmation
    page.check("#id_confirm")
    page.get_by_role("button", name="Start offboarding").click()

    checklist = page.locator("#offboarding-checklist")
    expect(checklist).to_have_attribute("data-status", "waiting", timeout=30_000)
    expect(page.locator('[data-step="transfer_data"]')).to_have_attribute("data-status", "done")
    expect(page.locator('[data-counter="transfer_data"]')).to_have_text("7 of 7")
    screenshot(page, "offboarding-waiting-for-attestation")
    for prospect in book["employment"]:
        expect(page.locator("main")).not_to_contain_text(prospect.full_name)

    page.get_by_role("link", name="Attestation").first.click()
    boxes = page.locator('input[name="prospect_ids"]')
    expect(boxes).to_have_count(3)
    for box in boxes.all():
        expect(box).not_to_be_checked()  # nothing is pre-ticked
    # The paper names two of the three: the third stays to attest and the step waits.
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.fill("#id_signed_document", "HR-2026-114")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator("[data-remaining]")).to_have_attribute("data-remaining", "1")
    expect(page.locator('[data-attested="no"]')).to_have_count(1)
    screenshot(page, "offboarding-attestation-one-left")
    page.locator('input[name="prospect_ids"]').check()
    page.fill("#id_signed_document", "HR-2026-115")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator("[data-remaining]")).to_have_attribute("data-remaining", "0")

    page.goto(f"{live_server.url}/offboarding/")
    page.locator("main table a").first.click()
    expect(page.locator("#offboarding-checklist")).to_have_attribute(
        "data-status", "done", timeout=30_000
    )
    page.get_by_role("link", name="See the final report").click()
    expect(page.locator('[data-counter="transferred"]')).to_contain_text("7")
    expect(page.locator('[data-counter="purged"]')).to_have_text("3")
    screenshot(page, "offboarding-final-report")

    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    dpo_page = context.new_page()
    try:
        login(dpo_page, live_server, dpo.user.username)
        dpo_page.goto(page.url)
        dpo_page.get_by_role("button", name="Sign the report off").click()
        expect(dpo_page.locator("[data-signed-off]")).to_contain_text("dora-dpo")
        screenshot(dpo_page, "offboarding-signed-off")
    finally:
        context.close()
