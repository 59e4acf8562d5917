"""A person makes a request on the public page, confirms it by the e-mailed link, and the DPO
sees it in their list."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def _mail_to(smtp_server, address: str, *, timeout: float = 30.0):
    """The person's mail as the mail server received it (the worker carries it there)."""
    deadline = time.monotonic() + timeout
    while not smtp_server.to(address):
        assert time.monotonic() < deadline, "no mail reached the person"
        time.sleep(0.1)
    [message] = smtp_server.to(address)
    return message


def test_a_public_request_reaches_the_dpo(page, live_server, dpo, smtp_server, task_runner):
    page.goto(f"{live_server.url}/privacy/request/")
    expect(page.get_by_role("heading", name="Your personal data: make a request")).to_be_visible()
    page.select_option("#id_type", "erasure")
    page.fill("#id_full_name", "Camille Martin")
    page.fill("#id_email", "camille.martin@example.com")
    page.fill("#id_profile_url", "https://www.linkedin.com/in/camille-martin")
    page.fill("#id_message", "Please erase everything you have about me.")
    screenshot(page, "dsar-public-form")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Request received")).to_be_visible()

    message = _mail_to(smtp_server, "camille.martin@example.com")
    link = re.search(r"https?://\S+", message.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    page.get_by_role("button", name="Yes, I made this request").click()
    expect(page.get_by_text("your request is confirmed")).to_be_visible()
    screenshot(page, "dsar-public-confirmed")

    page.context.clear_cookies()
    login(page, live_server, dpo.user.username)
    page.get_by_role("link", name="Data requests").click()
    row = page.locator("tbody tr", has_text="camille.martin@example.com")
    expect(row).to_contain_text("Erasure")
    expect(row).to_contain_text("In progress")
    row.get_by_role("link", name="Erasure").click()
    expect(page.locator("#dsar-status")).to_contain_text("In progress")
    expect(page.get_by_text("Verified (Link e-mailed to the person)")).to_be_visible()
    screenshot(page, "dsar-dpo-detail")
