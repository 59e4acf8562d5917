"""The rep's day in a real browser: adding a prospect, finding it, importing LinkedIn connections."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from prospects import services
from prospects.models import Prospect
from tests.browser.conftest import login, screenshot
from tests.factories import EmployeeFactory, OppositionFactory, SocialAccountFactory
from tests.imports.conftest import connection_line, connections_csv

pytestmark = pytest.mark.browser


@pytest.fixture
def imports_run(settings, tmp_path, task_runner):
    """Imports run in-process on the embedded default, and on a real worker with Redis."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_rep_adds_a_prospect_finds_it_in_the_list_and_opens_it(page, live_server):
    rep = EmployeeFactory(role="rep", user__username="alice")
    SocialAccountFactory(employee=rep, network="linkedin", handle="alice-sells")
    OppositionFactory(value="opposed@example.com")
    login(page, live_server, rep.user.username)

    page.get_by_role("link", name="My prospects").click()
    expect(page.locator("h1")).to_have_text("My prospects")
    expect(page.locator(".empty")).to_contain_text("No prospects yet")
    screenshot(page, "prospects-en-empty-list")

    page.locator(".empty").get_by_role("link", name="add one").click()
    expect(page.locator("h1")).to_have_text("Add a prospect")
    page.fill("#id_full_name", "Élodie Durand")
    page.fill("#id_company", "Durand SA")
    page.fill("#id_job_title", "CFO")
    page.fill("#id_email", "opposed@example.com")
    page.select_option("#id_social_account", label="LinkedIn · alice-sells")
    page.fill("#id_collected_at", "2024-02-10")
    page.select_option("#id_lawful_basis", "legitimate_interest")
    page.get_by_role("button", name="Add the prospect").click()
    expect(page.get_by_role("alert")).to_contain_text("This person has objected")
    expect(page.locator("#id_full_name")).to_have_value("Élodie Durand")
    screenshot(page, "prospects-en-add-opposed")
    assert not Prospect.objects.exists()

    page.fill("#id_email", "elodie.durand@example.com")
    page.fill("#id_collected_at", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Add the prospect").click()
    collected = page.locator(".field", has=page.locator("#id_collected_at"))
    expect(collected.locator(".errorlist")).to_contain_text("cannot be in the future")
    screenshot(page, "prospects-en-add-errors")

    page.fill("#id_collected_at", "2024-02-10")
    page.check("#id_contributed")
    page.get_by_role("button", name="Add the prospect").click()
    expect(page.locator(".messages")).to_have_text("Prospect added.")
    expect(page.locator("h1")).to_have_text("Élodie Durand")
    expect(page.locator("main")).to_contain_text("elodie.durand@example.com")
    expect(page.locator("main .badge.pre_hire").first).to_have_text(
        "Rep's network from before the hire"
    )
    expect(page.locator("ol.timeline li")).to_have_count(4)
    screenshot(page, "prospects-en-detail")

    page.get_by_role("link", name="My prospects").click()
    page.fill("#id_q", "durand")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.prospects tbody tr")).to_have_count(1)
    screenshot(page, "prospects-en-list-search")
    page.get_by_role("link", name="Élodie Durand").click()
    expect(page.locator("h1")).to_have_text("Élodie Durand")


def test_a_manager_sees_the_team_and_who_owns_what(page, live_server):
    manager = EmployeeFactory(role="manager", user__username="martine")
    for username, name in (("alice", "Élodie Durand"), ("bob", "Jean Martin")):
        rep = EmployeeFactory(role="rep", manager=manager, user__username=username)
        services.prospect_create(actor=rep.user, owner=rep, data={"full_name": name})
    login(page, live_server, manager.user.username)

    page.get_by_role("link", name="Team prospects").click()
    expect(page.locator("table.prospects tbody tr")).to_have_count(2)
    expect(page.locator("table.prospects thead")).to_contain_text("Owner")
    expect(page.locator("table.prospects")).to_contain_text("bob")
    screenshot(page, "prospects-en-manager-list")


def test_a_rep_imports_linkedin_connections_and_watches_the_progress(
    page, live_server, imports_run
):
    rep = EmployeeFactory(role="rep", user__username="alice")
    services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "First2 Last2", "profile_url": "https://www.linkedin.com/in/person-2"},
    )
    content = connections_csv(
        [
            connection_line(1, email="first1@example.com", connected_on="10 Feb 2024"),
            connection_line(2),
            connection_line(3, connected_on="31 Feb 2024"),
            connection_line(4, connected_on="15 Jan 2025"),
            connection_line(5, email="first5@example.com", connected_on="15 Jan 2025"),
        ]
    )
    login(page, live_server, rep.user.username)

    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.locator("h1")).to_have_text("Import LinkedIn connections")
    screenshot(page, "prospects-en-import-upload")
    page.set_input_files(
        "#id_file", files=[{"name": "Connections.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Import").click()

    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "done")
    expect(progress.locator("progress")).to_have_attribute("value", "5")
    expect(progress.locator("progress")).to_have_attribute("max", "5")
    expect(progress.locator("[data-counter=created]")).to_have_text("3")
    expect(progress.locator("[data-counter=duplicates]")).to_have_text("1")
    expect(progress.locator("[data-counter=rejected]")).to_have_text("1")
    expect(progress.locator("table.rejected tbody tr")).to_have_count(1)
    expect(progress.locator("table.rejected td").first).to_have_text("8")
    expect(progress).not_to_have_attribute("hx-trigger", "every 1s")
    screenshot(page, "prospects-en-import-done")

    progress.get_by_role("link", name="See My prospects").click()
    expect(page.locator("table.prospects tbody tr")).to_have_count(4)
    expect(page.locator("table.prospects .badge.pre_hire")).to_have_count(1)
    screenshot(page, "prospects-en-list-after-import")


@pytest.mark.parametrize("page", ["fr-FR"], indirect=True)
def test_the_prospect_pages_are_french_and_fit_a_phone(page, live_server):
    rep = EmployeeFactory(role="rep")
    prospect = services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "Élodie Durand", "email": "elodie.durand@example.com"},
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, rep.user.username)
    for path, heading, name in (
        ("/prospects/", "Mes prospects", "list"),
        ("/prospects/new/", "Ajouter un prospect", "form"),
        (f"/prospects/{prospect.pk}/", "Élodie Durand", "detail"),
        ("/prospects/import/", "Importer vos relations LinkedIn", "import"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_have_text(heading)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        screenshot(page, f"prospects-fr-phone-{name}")
