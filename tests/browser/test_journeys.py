"""The three journeys of the product, each from end to end in a real browser, on the live
server: the rep's, the DPO's and HR's. With PostgreSQL and Redis the jobs run on a real
Celery worker; on the embedded default (SQLite) they run in-process, as ``make run`` has it."""

import datetime
import json
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consent.models import OutreachAttempt
from offboarding import services as offboarding_services
from offboarding.models import Offboarding
from prospects import services as prospect_services
from tests.browser.conftest import TIMEOUT_MS, login, screenshot
from tests.browser.test_contact_panel import type_message
from tests.factories import EmployeeFactory, SocialAccountFactory
from tests.imports.conftest import connections_csv

pytestmark = pytest.mark.browser

# Jobs run on the worker thread (or in the request); the pages poll every second.
JOB_TIMEOUT_MS = 30_000


@pytest.fixture
def storage(settings, tmp_path):
    """Uploaded files and access exports in the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DSAR_EXPORT_DIR = tmp_path / "dsar-exports"


@pytest.fixture
def open_page(browser):
    """Another person at their own browser: a context (cookies, language) of their own."""
    contexts = []

    def open_(locale: str = "en-US"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def reload_until_visible(page, locator, timeout_s: float = JOB_TIMEOUT_MS / 1000) -> None:
    """The request page does not poll: reload it, as a person would, until the job shows."""
    deadline = time.monotonic() + timeout_s
    while not locator.is_visible():
        assert time.monotonic() < deadline, f"{locator} did not appear on {page.url}"
        page.wait_for_timeout(500)
        page.reload()


@pytest.mark.parametrize("page", ["fr-FR"], indirect=True)
def test_journey_1_a_french_rep_imports_connections_and_contacts_one_with_consent(
    page, live_server, task_runner, storage
):
    rep = EmployeeFactory(role="rep", user__username="alice", compliant=True)
    account = SocialAccountFactory(employee=rep, network="linkedin", handle="alice-sells")
    content = connections_csv(
        [
            "Camille,Martin,https://www.linkedin.com/in/camille-martin,"
            'camille.martin@example.fr,"Martin Conseil, SARL",Directrice commerciale,15 Jan 2024',
            "Hugo,Lambert,https://www.linkedin.com/in/hugo-lambert,,Lambert SA,Acheteur,"
            "03 Mar 2025",
            "Inès,Roux,https://www.linkedin.com/in/ines-roux,ines.roux@example.fr,Roux & Fils,"
            "DAF,28 Jun 2023",
        ]
    )

    login(page, live_server, rep.user.username)
    nav = page.get_by_role("navigation", name="Principale")
    expect(nav.get_by_role("link", name="Mes prospects")).to_be_visible()
    expect(nav.get_by_role("link", name="Mes comptes sociaux")).to_be_visible()
    screenshot(page, "journey1-home-fr")

    nav.get_by_role("link", name="Importer", exact=True).click()
    expect(page.locator("h1")).to_have_text("Importer vos relations LinkedIn")
    page.set_input_files(
        "#id_file", files=[{"name": "Connections.csv", "mimeType": "text/csv", "buffer": content}]
    )
    screenshot(page, "journey1-import-upload")
    page.locator("main form button[type=submit]").click()

    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "done", timeout=JOB_TIMEOUT_MS)
    expect(progress.locator("progress")).to_have_attribute("max", "3")
    expect(progress.locator("progress")).to_have_attribute("value", "3")
    expect(progress.locator("[data-counter=created]")).to_have_text("3")
    expect(progress).to_contain_text("3 prospects ajoutés")
    screenshot(page, "journey1-import-done")

    progress.get_by_role("link", name="Voir Mes prospects").click()
    expect(page.locator("table.prospects tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Camille Martin").click()
    expect(page.locator("h1")).to_have_text("Camille Martin")

    # A message about an offer for her, not her job: she is a consumer here (RULES 3-4).
    panel = page.locator("#contact-panel-body")
    page.select_option("#id_channel", "social_message")
    page.select_option("#id_social_account", str(account.pk))  # RULES 11
    page.uncheck("#id_relates_to_profession")
    type_message(page, "Bonjour Camille, notre offre pour les particuliers vous plairait.")
    decision = page.locator("#gate-decision")
    expect(decision.locator(".verdict")).to_have_attribute(
        "data-decision", "deny", timeout=JOB_TIMEOUT_MS
    )
    expect(decision.locator(".verdict")).to_contain_text("Interdit")
    expect(decision.locator('[data-code="no_opt_in"]')).to_contain_text(
        "exige son consentement préalable"
    )
    screenshot(page, "journey1-contact-denied")

    panel.get_by_text("Enregistrer un consentement ou un refus, avec sa preuve").click()
    consent_form = panel.locator("form", has=page.locator("select[name=consent-evidence]"))
    consent_form.locator("select[name=consent-channel]").select_option("social_message")
    consent_form.locator("select[name=consent-action]").select_option("grant")
    consent_form.locator("select[name=consent-evidence]").select_option("written_reply")
    consent_form.locator("textarea[name=consent-proof]").fill(
        "A répondu « oui, envoyez-la-moi » à mon message du 3 mai"
    )
    consent_form.locator("input[name=consent-purpose]").fill("Notre offre par message")
    consent_form.locator("input[name=consent-wording_shown]").fill(
        "Puis-je vous envoyer notre offre ?"
    )
    consent_form.get_by_role("button", name="Enregistrer").click()
    expect(panel.locator("td .allow")).to_have_text("Consentement (opt-in)")

    page.select_option("#id_channel", "social_message")
    page.select_option("#id_social_account", str(account.pk))
    page.uncheck("#id_relates_to_profession")
    type_message(page, "Bonjour Camille, voici notre offre comme convenu.")
    expect(page.locator("#gate-decision .verdict")).to_have_attribute(
        "data-decision", "allow", timeout=JOB_TIMEOUT_MS
    )
    expect(page.locator("#id_append_notice")).to_be_checked()
    screenshot(page, "journey1-contact-allowed")

    page.get_by_role("button", name="Consigner cette prise de contact").click()
    logged = panel.locator(".final-content")
    expect(logged).to_contain_text("Bonjour Camille, voici notre offre comme convenu.")
    # The objection paragraph, apart, with the person's own one-click link.
    expect(logged).to_contain_text(re.compile(r"Pour vous opposer à nos messages : \S+/o/\S{24}/"))
    expect(logged).to_contain_text("(en un clic), ou répondez STOP")
    screenshot(page, "journey1-contact-logged")
    attempt = OutreachAttempt.objects.get(decision="allow")
    assert attempt.prospect.full_name == "Camille Martin"


def submit_public_request(page, live_server, *, type_: str, message: str) -> None:
    page.goto(f"{live_server.url}/privacy/request/")
    page.select_option("#id_type", type_)
    page.fill("#id_full_name", "Camille Martin")
    page.fill("#id_email", "camille.martin@example.fr")
    page.fill("#id_profile_url", "https://www.linkedin.com/in/camille-martin")
    page.fill("#id_message", message)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Request received")).to_be_visible()


def open_request(page, live_server, type_label: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Data requests").click()
    row = page.locator("tbody tr", has=page.get_by_role("link", name=type_label, exact=True))
    expect(row).to_contain_text("camille.martin@example.fr")
    expect(row).to_contain_text("Public form")
    row.get_by_role("link", name=type_label, exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Request: {type_label}")


def verify_and_carry_out(page, note: str) -> None:
    page.fill("#id_note", note)
    page.get_by_role("button", name="Identity verified").click()
    expect(page.locator(".messages")).to_contain_text("Identity verified.")
    # RULES 22: the e-mail link was not opened, so the DPO confirms the record is hers.
    review = page.get_by_role("region", name="Matching records")
    expect(review).to_contain_text("matched on an identifier nobody verified")
    review.get_by_role("checkbox", name="Camille Martin is this person").check()
    review.get_by_role("button", name="Confirm these matches").click()
    expect(page.locator(".messages")).to_contain_text("Matches confirmed.")
    page.check("#id_confirm")
    page.get_by_role("button", name="Carry out").click()
    expect(page.locator(".messages")).to_contain_text("The request is being carried out.")


def test_journey_2_the_dpo_answers_an_access_then_an_erasure_request(
    page, open_page, live_server, task_runner, storage
):
    dpo = EmployeeFactory(role="dpo", user__username="dora-dpo")
    rep = EmployeeFactory(role="rep", user__username="alice", compliant=True)
    account = SocialAccountFactory(employee=rep, network="linkedin", handle="alice-sells")
    camille = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "company": "Martin Conseil",
            "job_title": "Directrice commerciale",
            "email": "camille.martin@example.fr",
            "profile_url": "https://www.linkedin.com/in/camille-martin",
            "social_account": account,
            "lawful_basis": "legitimate_interest",
        },
    )
    prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "Hugo Lambert", "company": "Lambert SA", "email": "hugo@example.fr"},
    )

    login(page, live_server, dpo.user.username)
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    expect(page.locator("h1")).to_have_text("DPO dashboard")
    charts = page.locator("figure.chart svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    for chart in charts.all():
        box = chart.bounding_box()
        assert box["width"] > 0 and box["height"] > 0
    provenance = page.locator("figure.chart").first
    bars = {
        bar.locator("title").text_content(): bar.bounding_box()["width"]
        for bar in provenance.locator("rect.chart-bar").all()
    }
    assert bars["Gathered during employment: 2"] > 0
    assert bars["Rep's network from before the hire: 0"] == 0
    expect(provenance).to_contain_text("2 (100.0 %)")
    screenshot(page, "journey2-dpo-dashboard")

    visitor = open_page()
    submit_public_request(
        visitor, live_server, type_="access", message="What do you hold about me?"
    )
    screenshot(visitor, "journey2-public-access-request")

    open_request(page, live_server, "Access")
    expect(page.locator("#dsar-status")).to_contain_text("Verifying identity")
    expect(page.locator("main")).to_contain_text("Camille Martin")
    verify_and_carry_out(page, "Called her back on the number in her LinkedIn profile.")
    reload_until_visible(page, page.locator("#dsar-status", has_text="Completed"))
    download_link = page.get_by_role("link", name="Download (JSON)")
    screenshot(page, "journey2-access-export-ready")
    with page.expect_download() as download:
        download_link.click()
    document = json.loads(Path(download.value.path()).read_text())
    [record] = document["records"]
    assert record["values"]["full_name"] == "Camille Martin"
    assert record["values"]["email"] == "camille.martin@example.fr"
    assert record["values"]["company"] == "Martin Conseil"
    assert record["origin"]["social_account"] == {"network": "linkedin", "handle": "alice-sells"}

    submit_public_request(visitor, live_server, type_="erasure", message="Now erase it all.")
    open_request(page, live_server, "Erasure")
    verify_and_carry_out(page, "Same person as the access request answered yesterday.")
    reload_until_visible(page, page.locator("#dsar-status", has_text="Completed"))
    held = page.get_by_role("region", name="What we hold about this person")
    expect(held).not_to_contain_text("Camille Martin")
    expect(held).to_contain_text("2 suppression entries")
    expect(page.get_by_role("region", name="Removal from personal accounts")).to_contain_text(
        "alice: waiting for confirmation"
    )
    screenshot(page, "journey2-erasure-done")

    assert page.goto(f"{live_server.url}/prospects/{camille.pk}/").status == 404
    page.goto(f"{live_server.url}/prospects/")
    page.fill("#id_q", "martin")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.prospects")).to_have_count(0)
    page.fill("#id_q", "lambert")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.prospects tbody tr")).to_have_count(1)

    rep_page = open_page()
    login(rep_page, live_server, rep.user.username)
    rep_page.get_by_role(
        "link", name="People to remove from your accounts after an erasure"
    ).click()
    removal = rep_page.locator("tbody tr", has_text="Camille Martin")
    expect(removal).to_contain_text("alice-sells")
    removal.get_by_role("button", name="I removed this person").click()
    expect(rep_page.locator(".messages")).to_contain_text("your confirmation is recorded")
    rep_page.goto(f"{live_server.url}/prospects/new/")
    rep_page.fill("#id_full_name", "Camille Martin")
    rep_page.fill("#id_email", "camille.martin@example.fr")
    rep_page.fill("#id_profile_url", "https://www.linkedin.com/in/camille-martin")
    rep_page.get_by_role("button", name="Add the prospect").click()
    expect(rep_page.get_by_role("alert")).to_contain_text("This person has objected")
    screenshot(rep_page, "journey2-re-add-refused")
    rep_page.get_by_role("link", name="My prospects").click()
    expect(rep_page.locator("table.prospects tbody tr")).to_have_count(1)
    expect(rep_page.locator("table.prospects")).not_to_contain_text("Camille")


def test_journey_3_hr_onboards_a_rep_then_offboards_them(
    page, open_page, live_server, task_runner, charters_in_force
):
    hr = EmployeeFactory(role="hr", user__username="hugo-hr")
    dpo = EmployeeFactory(role="dpo", user__username="dora-dpo")
    EmployeeFactory(role="rep", user__username="sam-successor", compliant=True)  # the successor
    today = timezone.localdate()
    password = "lea-first-day-2026"

    login(page, live_server, hr.user.username)
    page.get_by_role("link", name="Add an employee").click()
    page.fill("#id_username", "lea")
    page.select_option("#id_role", "rep")
    page.fill("#id_hire_date", (today - datetime.timedelta(days=7)).isoformat())
    page.fill("#id_password", password)
    screenshot(page, "journey3-hr-add-employee")
    page.get_by_role("button", name="Add the employee").click()
    expect(page.locator(".messages")).to_contain_text("lea is created")
    row = page.locator('tr[data-employee="lea"]')
    training = row.locator("td").nth(4)
    expect(row).to_contain_text("Sales rep")
    expect(training).to_have_text("To do")
    expect(row.locator("td").last).to_have_text("1 of 4")  # nothing to decide: no pre-hire data
    screenshot(page, "journey3-hr-onboarding-opened")

    page.get_by_role("link", name="Home").click()
    page.get_by_role(
        "link", name="Team compliance: who can prospect, and recording training"
    ).click()
    page.select_option("#id_employee", label="lea")
    page.fill("#id_completed_at", today.isoformat())
    page.get_by_role("button", name="Record").click()
    page.goto(f"{live_server.url}/hr/onboarding/")
    expect(training).to_have_text("Done")
    expect(row.locator("td").last).to_have_text("2 of 4")

    lea = open_page()
    login(lea, live_server, "lea", password)
    card = lea.locator("#onboarding")
    expect(card.locator('[data-item="training"]')).to_have_attribute("data-status", "done")
    expect(card.locator('[data-item="social_accounts"]')).to_have_attribute(
        "data-status", "pending"
    )
    lea.get_by_role("link", name="My social accounts").first.click()
    lea.select_option("#id_network", "linkedin")
    lea.fill("#id_handle", "lea-sells")
    lea.get_by_role("button", name="Register").click()
    expect(lea.locator(".messages")).to_contain_text("Account registered.")
    lea.goto(f"{live_server.url}/prospects/new/")
    lea.fill("#id_full_name", "Paul Girard")
    lea.fill("#id_company", "Girard Industrie")
    lea.select_option("#id_social_account", label="LinkedIn · lea-sells")
    lea.select_option("#id_lawful_basis", "legitimate_interest")
    lea.get_by_role("button", name="Add the prospect").click()
    expect(lea.locator(".messages")).to_have_text("Prospect added.")
    lea.get_by_role("link", name="Home").click()
    expect(card.locator('[data-item="social_accounts"]')).to_have_attribute("data-status", "done")
    screenshot(lea, "journey3-rep-onboarding")

    page.get_by_role("link", name="Home").click()
    leaver_row = page.locator("tr", has=page.get_by_role("cell", name="lea", exact=True))
    leaver_row.get_by_role("link", name="Start offboarding").click()
    # Lea leaves today: her access ends with the checklist (a later date would keep it
    # until that day, tests/security/test_tokens.py).
    page.fill("#id_departure_date", today.isoformat())
    page.select_option("#id_successor", label="sam-successor (Sales rep)")
    page.check("#id_confirm")
    page.get_by_role("button", name="Start offboarding").click()
    checklist = page.locator("#offboarding-checklist")
    expect(checklist).to_have_attribute("data-status", "waiting", timeout=JOB_TIMEOUT_MS)
    expect(page.locator('[data-step="transfer_data"]')).to_have_attribute("data-status", "done")
    expect(page.locator('[data-step="personal_account_attestation"]')).to_have_attribute(
        "data-status", "waiting"
    )
    screenshot(page, "journey3-offboarding-waiting-for-attestation")

    # The attestation is recorded in another tab; this one is never reloaded (the marker would
    # go with a reload), so the steps it then shows done came through its own polling.
    page.evaluate("window.journeyMarker = 'not reloaded'")
    attestation = page.context.new_page()
    attestation.goto(
        live_server.url + checklist.get_by_role("link", name="Attestation").get_attribute("href")
    )
    attestation.fill("#id_signed_document", "HR-2026-207")
    # Nothing is ticked for HR either: the paper attestation names each person.
    boxes = attestation.locator('input[name="prospect_ids"]')
    expect(boxes).to_have_count(1)
    expect(boxes.first).not_to_be_checked()
    boxes.first.check()
    attestation.get_by_role("button", name="Attest").click()
    expect(attestation.locator("[data-remaining]")).to_have_attribute("data-remaining", "0")
    expect(checklist).to_have_attribute("data-status", "done", timeout=JOB_TIMEOUT_MS)
    assert page.evaluate("window.journeyMarker") == "not reloaded"
    steps = checklist.locator("[data-step]")
    assert steps.count() == 8
    for step in steps.all():
        expect(step).to_have_attribute("data-status", "done")
    screenshot(page, "journey3-offboarding-done")
    page.get_by_role("link", name="See the final report").click()
    expect(page.locator('[data-counter="transferred"]')).to_have_text("1 → sam-successor")
    expect(page.locator('[data-counter="attested"]')).to_have_text("1 / 1")
    report_url = page.url

    dpo_page = open_page()
    login(dpo_page, live_server, dpo.user.username)
    dpo_page.goto(report_url)
    dpo_page.get_by_role("button", name="Sign the report off").click()
    expect(dpo_page.locator("[data-signed-off]")).to_contain_text("dora-dpo")
    screenshot(dpo_page, "journey3-report-signed-off")

    # Departed, lea keeps her attestation page and her export until the deadline, nothing else.
    case_url = report_url.removesuffix("report/")
    lea.reload()
    expect(lea).to_have_url(f"{case_url}attestation/")
    expect(lea.locator("[data-remaining]")).to_have_attribute("data-remaining", "0")
    expect(lea.get_by_role("link", name="Download your own network")).to_be_visible()
    lea.goto(f"{live_server.url}/prospects/")
    expect(lea).to_have_url(f"{case_url}attestation/")
    screenshot(lea, "journey3-departed-rep-attestation-page")

    # The deadline passes: the hourly job closes the login for good.
    Offboarding.objects.filter(employee__user__username="lea").update(
        attestation_deadline=today - datetime.timedelta(days=1)
    )
    offboarding_services.departures_due_apply()
    lea.reload()
    expect(lea).to_have_url(re.compile(rf"{re.escape(live_server.url)}/login/"))
    lea.fill("#id_username", "lea")
    lea.fill("#id_password", password)
    lea.locator("main form button[type=submit]").click()
    expect(lea.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(lea.locator("h1")).to_have_text("Log in")
    screenshot(lea, "journey3-departed-rep-refused")
