"""A new rep works through their onboarding checklist in the browser until it is complete."""

import datetime

import pytest
from playwright.sync_api import expect

from onboarding.services import employee_hire, training_record
from people.services import social_account_create
from prospects import services as prospect_services
from prospects.models import Prospect
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

BEFORE_HIRE = datetime.datetime(2021, 6, 1, 10, 0, tzinfo=datetime.UTC)


def test_a_new_rep_completes_the_onboarding_checklist(page, live_server, charters_in_force, hr):
    rep, _ = employee_hire(
        actor=hr.user,
        username="newcomer",
        role="rep",
        hire_date=datetime.date(2026, 1, 5),
        password=TEST_PASSWORD,
    )
    training_record(actor=hr.user, employee=rep, completed_at=datetime.date(2026, 1, 6))
    social_account_create(employee=rep, network="linkedin", handle="newcomer")
    for name in ("Lucie Bernard", "Paul Girard"):
        prospect_services.prospect_create(
            actor=rep.user,
            owner=rep,
            data={"full_name": name, "company": "Bernard & Girard", "collected_at": BEFORE_HIRE},
        )
    login(page, live_server, "newcomer")

    card = page.locator("#onboarding")
    expect(card).to_contain_text("Your onboarding")
    expect(card.locator('[data-item="charters"]')).to_have_attribute("data-status", "pending")
    expect(card.locator('[data-item="training"]')).to_have_attribute("data-status", "done")
    expect(card.locator('[data-item="contribution_agreement"]')).to_have_attribute(
        "data-status", "pending"
    )
    screenshot(page, "onboarding-checklist-open")

    card.get_by_role("link", name="Read and acknowledge them").click()
    buttons = page.get_by_role("button", name="I have read and acknowledge this charter")
    while buttons.count():
        buttons.first.click()
        page.wait_for_load_state()

    page.get_by_role("link", name="Home").click()
    expect(card.locator('[data-item="charters"]')).to_have_attribute("data-status", "done")
    card.get_by_role("link", name="My pre-hire contacts").click()
    expect(page.get_by_role("cell", name="Lucie Bernard", exact=True)).to_be_visible()
    page.get_by_label("Apply to all my 2 pre-hire contacts, on every page").check()
    page.get_by_role("button", name="Contribute to the company").click()
    expect(page.locator("main")).to_contain_text(
        "You are about to contribute 2 pre-hire contacts to the company"
    )
    screenshot(page, "onboarding-contribution-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text("2 contacts contributed to the company.")
    assert Prospect.objects.filter(owner=rep, contributed=True).count() == 2

    page.get_by_role("link", name="Home").click()
    expect(card.locator('[data-onboarding="complete"]')).to_contain_text(
        "Your onboarding checklist is complete."
    )
    for item in ("charters", "training", "social_accounts", "contribution_agreement"):
        expect(card.locator(f'[data-item="{item}"]')).to_have_attribute("data-status", "done")
    screenshot(page, "onboarding-checklist-complete")
