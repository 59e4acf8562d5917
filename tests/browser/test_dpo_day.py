"""The DPO's day, on a phone and at a desk, in English and French: the dashboard's overdue
notices tile leads to the list behind it (only the overdue prospect), the prospect's page
offers the notice's actions, and the notice marked sent by mail with its evidence shows
as sent there.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects.models import NoticeDelivery, Prospect
from tests.browser.conftest import login
from tests.browser.pagechecks import check_page, open_page
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.browser

WORDS = {
    "en-US": {"tile": "art. 14 notices overdue", "mark": "Mark sent by…", "sent": "Sent on"},
    "fr-FR": {
        "tile": "informations (art. 14) en retard",
        "mark": "Marquer comme envoyée par…",
        "sent": "Envoyée le",
    },
}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_the_dpo_follows_the_overdue_tile_and_marks_a_notice_sent(
    browser, live_server, locale, viewport
):
    dpo = EmployeeFactory(role="dpo")
    owner = EmployeeFactory(role="rep")
    prospect = ProspectFactory(
        owner=owner,
        full_name="Camille Martin",
        notice_due_at=timezone.now() - datetime.timedelta(days=3),
    )
    ProspectFactory(
        owner=owner,
        full_name="Hugo Petit",
        notice_due_at=timezone.now() + datetime.timedelta(days=20),
    )
    words = WORDS[locale]
    page = open_page(browser, viewport, locale)
    try:
        login(page, live_server, dpo.user.username)

        page.goto(f"{live_server.url}/dpo/")
        tile = page.locator("#tile-notice-overdue")
        expect(tile.locator(".figure")).to_have_text("1")
        expect(tile).to_contain_text(words["tile"])
        check_page(page, "dpo-day-dashboard", viewport, locale)

        tile.click()
        page.wait_for_url("**/prospects/?notice=overdue")
        # The list behind the figure: the overdue prospect, not the one still in time.
        expect(page.get_by_role("link", name="Camille Martin")).to_be_visible()
        expect(page.get_by_role("link", name="Hugo Petit")).to_have_count(0)
        check_page(page, "dpo-day-notices-overdue", viewport, locale)

        page.get_by_role("link", name="Camille Martin").click()
        page.wait_for_url(f"**/prospects/{prospect.pk}/")
        action = page.locator("#notice-action")
        expect(action.locator("#notice-state")).to_have_attribute("data-state", "due")
        expect(action.get_by_role("heading", name=words["mark"])).to_be_visible()
        check_page(page, "dpo-day-prospect", viewport, locale)

        action.locator("#id_notice-method_0").check()
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        action.locator("#id_notice-sent_on").fill(yesterday.isoformat())
        action.locator("#id_notice-evidence").fill("Sent from my mailbox, ref. 4711")
        action.locator("button[type=submit]").click()
        page.wait_for_url(f"**/prospects/{prospect.pk}/")

        expect(page.locator("#notice-state")).to_have_attribute("data-state", "sent")
        expect(page.locator("#notice-state")).to_contain_text(words["sent"])
        check_page(page, "dpo-day-notice-sent", viewport, locale)
    finally:
        page.context.close()

    stored = Prospect.objects.get(pk=prospect.pk)
    assert timezone.localdate(stored.notice_sent_at) == yesterday
    assert NoticeDelivery.objects.get(prospect=prospect).method == "mail"
