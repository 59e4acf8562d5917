"""In a real browser: a rep picks approved content in the Contact panel and logs it."""

import pytest
from playwright.sync_api import expect

from content.models import ContentUse
from tests.browser.conftest import login, screenshot
from tests.content.conftest import COMPARATIVE, publish
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory

pytestmark = pytest.mark.browser


def test_a_rep_picks_an_approved_message_that_passes_the_content_check(page, live_server):
    rep = EmployeeFactory(role="rep", user__username="alice", compliant=True)
    marketing = EmployeeFactory(role="manager", user__username="marketing")
    compliance = EmployeeFactory(role="dpo", user__username="compliance")
    version = publish(marketing, compliance, title="Comparatif validé")
    prospect = ProspectFactory(owner=rep, kind="b2b", full_name="Dominique Achat")
    account = SocialAccountFactory(employee=rep)

    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/prospects/{prospect.pk}/")
    expect(page.locator("#id_content_version")).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    page.select_option("#id_channel", "social_message")
    page.select_option("#id_social_account", str(account.pk))
    page.select_option("#id_content_version", label=str(version))

    expect(page.locator("#id_content")).to_have_value(COMPARATIVE, timeout=15000)
    expect(page.locator("#gate-decision .verdict")).to_have_attribute(
        "data-decision", "allow", timeout=15000
    )
    expect(page.locator('#gate-decision [data-code="content_comparative"]')).to_have_count(0)
    screenshot(page, "content-picked")

    page.get_by_role("button", name="Log this outreach").click()
    expect(page.locator(".final-content")).to_contain_text("mieux que RivalSoft")
    assert ContentUse.objects.get().version == version
