"""The list a rep works in, on a phone and at a desk, in English and French: a name found
by its first letters, a sort, and a follow-up added to the ticked rows."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects import services
from prospects.models import FollowUp
from tests.browser.conftest import login
from tests.browser.pagechecks import check_page, open_page
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.browser

WORDS = {
    "en-US": {"done": "1 done", "search": "Search"},
    "fr-FR": {"done": "1 fait", "search": "Rechercher"},
}


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_rep_searches_sorts_and_plans_a_follow_up_from_the_list(
    browser, live_server, viewport, locale
):
    rep = EmployeeFactory(role="rep", user__username="alice")
    now = timezone.now()
    people = {}
    for days, name in [(30, "Anne Morel"), (20, "Jean Martin"), (10, "Maurice Moreau")]:
        people[name] = services.prospect_create(
            actor=rep.user,
            owner=rep,
            data={
                "full_name": name,
                "company": "Acme",
                "collected_at": now - datetime.timedelta(days=days),
            },
        )
    page = open_page(browser, viewport, locale)
    try:
        login(page, live_server, rep.user.username)
        page.goto(f"{live_server.url}/prospects/")
        check_page(page, "prospect-list", viewport, locale)

        # "Mor" starts Morel and Moreau, not Martin.
        page.fill("#id_q", "Mor")
        page.locator("form.list-filters button[type=submit]").click()
        names = page.locator("td.name a")
        expect(names).to_have_count(2)
        expect(page.locator("main")).not_to_contain_text("Jean Martin")
        check_page(page, "prospect-list-search", viewport, locale)

        # Oldest collected first, through the visible sort link (header or phone list).
        page.goto(f"{live_server.url}/prospects/")
        page.locator('a[href*="sort=-collected_at"]:visible').first.click()
        page.locator('a[href*="sort=collected_at"]:visible').first.click()
        expect(names.first).to_have_text("Anne Morel")
        expect(names.last).to_have_text("Maurice Moreau")
        check_page(page, "prospect-list-sorted", viewport, locale)

        # Tick Anne Morel, plan a follow-up, confirm.
        page.check(f'input[name="ids"][value="{people["Anne Morel"].pk}"]')
        page.select_option("#bulk-action", "follow_up")
        page.locator(".bulk-bar button[type=submit]").click()
        expect(page.locator(".bulk-rows")).to_contain_text("Anne Morel")
        check_page(page, "prospect-list-bulk-confirm", viewport, locale)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        page.fill("#id_due_on", tomorrow.isoformat())
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text(WORDS[locale]["done"])
        check_page(page, "prospect-list-after-bulk", viewport, locale)
        assert FollowUp.objects.get().prospect_id == people["Anne Morel"].pk
    finally:
        page.context.close()
