"""The manager's day in a real browser, on a phone and at a desk, in English and French:
the team's prospects filtered by owner, the pipeline (a deal moved to proposal with its button), the team page (a count that
opens the filtered log behind it) and the team's outreach log with a filter."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent.models import OutreachAttempt
from deals import services as deal_services
from deals.models import Deal
from prospects.models import FollowUp
from tests.browser.conftest import login
from tests.browser.pagechecks import LOCALES, check_page, open_page
from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.browser

NO_OPT_IN = {"en-US": "No prior consent", "fr-FR": "Pas de consentement préalable"}


def attempt(employee, prospect, *, decision, reasons=(), days_ago=1, channel="email"):
    return OutreachAttempt.objects.create(
        employee=employee,
        prospect=prospect,
        channel=channel,
        decision=decision,
        reasons=[{"code": code, "severity": "block", "message": code} for code in reasons],
        rules_version="test",
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def team(db):
    manager = EmployeeFactory(role="manager", user__username="marion", compliant=True)
    alice = EmployeeFactory(role="rep", user__username="alice", manager=manager, compliant=True)
    bruno = EmployeeFactory(role="rep", user__username="bruno", manager=manager, compliant=True)
    camille = ProspectFactory(owner=alice, full_name="Camille Morel", company="Fromagerie Morel")
    hugo = ProspectFactory(owner=bruno, full_name="Hugo Bernard", company="Atelier Bernard")
    deal = deal_services.deal_create(
        actor=alice.user,
        owner=alice,
        prospect=camille,
        data={"product": "Abonnement annuel", "amount": "12500.00"},
    )
    deal_services.deal_create(
        actor=bruno.user,
        owner=bruno,
        prospect=hugo,
        data={
            "product": "Formation",
            "amount": "800.00",
            "status": "won",
            "concluded_on": timezone.localdate() - datetime.timedelta(days=2),
        },
    )
    attempt(alice, camille, decision="allow")
    attempt(alice, camille, decision="deny", reasons=["no_opt_in"], channel="sms")
    attempt(alice, camille, decision="deny", reasons=["consent_withdrawn"], days_ago=3)
    attempt(bruno, hugo, decision="deny", reasons=["no_opt_in"])
    FollowUp.objects.create(
        prospect=camille, owner=alice, due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    return {"manager": manager, "alice": alice, "deal": deal}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_manager_moves_a_deal_reads_the_team_and_filters_its_log(
    browser, live_server, team, viewport, locale
):
    page = open_page(browser, viewport, locale)
    try:
        login(page, live_server, "marion")
        nav = page.locator("header nav")
        expect(nav.locator("a[href='/deals/pipeline/']")).to_have_count(1)
        expect(nav.locator("a[href='/team/']")).to_have_count(1)

        # The team's prospects, narrowed to one rep with the owner filter.
        page.goto(f"{live_server.url}/prospects/")
        expect(page.get_by_role("link", name="Camille Morel")).to_be_visible()
        expect(page.get_by_role("link", name="Hugo Bernard")).to_be_visible()
        page.locator("details.more-filters summary").click()
        page.select_option("#id_owner", label="alice")
        page.locator("form.filters button[type=submit]").first.click()
        page.wait_for_url(f"**owner={team['alice'].pk}*")
        expect(page.get_by_role("link", name="Camille Morel")).to_be_visible()
        expect(page.get_by_role("link", name="Hugo Bernard")).to_have_count(0)
        check_page(page, "manager-prospects-by-owner", viewport, locale)

        # The pipeline: the team's open deal, moved to proposal with its button.
        page.goto(f"{live_server.url}/deals/pipeline/")
        open_column = page.locator("#column-open")
        expect(open_column).to_contain_text("Abonnement annuel")
        expect(page.locator("#column-won")).to_contain_text("Formation")
        check_page(page, "manager-pipeline", viewport, locale)
        open_column.locator(".pipeline-card form[data-move-to='proposal'] button").click()
        proposal = page.locator("#column-proposal")
        expect(proposal).to_contain_text("Abonnement annuel")
        expect(open_column.locator(".empty")).to_be_visible()
        # Grouped through the locale: "12,500.00" in English, "12 500,00" in French.
        grouped = r"^12,500\.00\sEUR$" if locale == "en-US" else r"^12\s500,00\sEUR$"
        expect(proposal.locator(".pipeline-total")).to_have_text(re.compile(grouped))
        assert Deal.objects.get(pk=team["deal"].pk).stage == "proposal"
        check_page(page, "manager-pipeline-moved", viewport, locale)

        # The team page: alice's denied count opens the log of exactly those attempts.
        page.goto(f"{live_server.url}/team/")
        alice_card = page.locator(
            ".team-card", has=page.locator(f"a[href='/team/{team['alice'].pk}/']")
        )
        denied = alice_card.locator("a[data-figure='denied']")
        expect(denied).to_have_text("2")
        check_page(page, "manager-team", viewport, locale)
        denied.click()
        page.wait_for_url("**/team/outreach/?*decision=deny*")
        expect(page.locator("table.team-log tbody tr")).to_have_count(2)
        expect(page.locator("#log-decision")).to_have_value("deny")
        check_page(page, "manager-team-log-denied", viewport, locale)

        # Alice's own page, and the overdue follow-up behind its count.
        page.goto(f"{live_server.url}/team/{team['alice'].pk}/")
        check_page(page, "manager-team-member", viewport, locale)
        page.locator("a[data-figure='overdue']").first.click()
        expect(page.locator("main li.card")).to_contain_text("Camille Morel")
        check_page(page, "manager-team-follow-ups", viewport, locale)

        # The log filtered by a reason, chosen by its label.
        page.goto(f"{live_server.url}/team/outreach/")
        expect(page.locator("table.team-log tbody tr")).to_have_count(4)
        page.select_option("#log-reason", label=NO_OPT_IN[locale])
        page.locator("form.team-log-filters button[type=submit]").click()
        page.wait_for_url("**reason=no_opt_in*")
        rows = page.locator("table.team-log tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text(NO_OPT_IN[locale])
        expect(page.locator("table.team-log")).to_contain_text("Camille Morel")
        check_page(page, "manager-team-log-filtered", viewport, locale)
    finally:
        page.context.close()


def test_a_deal_dragged_to_another_column_moves_like_its_button(browser, live_server, team):
    page = open_page(browser, "desktop", "en-US")
    try:
        login(page, live_server, "marion")
        page.goto(f"{live_server.url}/deals/pipeline/")
        card = page.locator("#column-open .pipeline-card", has_text="Abonnement annuel")
        with page.expect_navigation():
            card.drag_to(page.locator("#column-proposal"))
        expect(page.locator("#column-proposal")).to_contain_text("Abonnement annuel")
        assert Deal.objects.get(pk=team["deal"].pk).stage == "proposal"
        # Dropped on Lost, the card asks first: nothing changes until it is confirmed.
        card = page.locator("#column-proposal .pipeline-card", has_text="Abonnement annuel")
        card.drag_to(page.locator("#column-lost"))
        confirm = card.locator("details.pipeline-lost button")
        expect(confirm).to_be_focused()
        assert Deal.objects.get(pk=team["deal"].pk).status == "open"
        confirm.click()
        expect(page.locator("#column-lost")).to_contain_text("Abonnement annuel")
        assert Deal.objects.get(pk=team["deal"].pk).status == "lost"
        check_page(page, "manager-pipeline-dragged", "desktop")
    finally:
        page.context.close()
