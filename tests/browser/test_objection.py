"""A person reads the public notice, opens their one-click objection link, objects, and is
then opposed on every identifier (RULES 1, 15; issue 17), in French and in English."""

import pytest
from playwright.sync_api import expect

from consent import optout
from consent.models import ConsentEvent
from core import crypto
from prospects import services as prospect_services
from suppression.models import Opposition
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

EMAIL = "camille.martin@acme-industrie.fr"
PHONE = "06 12 34 56 78"

PAGES = {
    "fr": {
        "notice": "Comment nous traitons les données personnelles",
        "rights": "Vos droits",
        "object": "Ne plus recevoir nos messages",
        "button": "Ne plus recevoir de messages",
        "done": "Votre opposition est enregistrée",
        "switch": "English",
    },
    "en": {
        "notice": "How we process personal data",
        "rights": "Your rights",
        "object": "Stop our messages",
        "button": "Stop all messages",
        "done": "Your objection is registered",
        "switch": "Français",
    },
}


def other(language):
    return "en" if language == "fr" else "fr"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_person_reads_the_notice_objects_in_one_click_and_is_opposed(
    page, live_server, rep, language
):
    camille = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={
            "full_name": "Camille Martin",
            "kind": "b2b",
            "company": "Acme Industrie",
            "email": EMAIL,
            "phone": PHONE,
            "lawful_basis": "legitimate_interest",
            "network": "linkedin",
            "language": language,
        },
    )
    words, others = PAGES[language], PAGES[other(language)]

    # The full notice, in this language, then the other one through its link.
    page.goto(f"{live_server.url}/privacy/notice/?lang={language}")
    expect(page.get_by_role("heading", level=1, name=words["notice"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["rights"])).to_be_visible()
    expect(page.get_by_text("CNIL", exact=False).first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".public-topbar")).to_be_hidden()
    screenshot(page, f"notice-print-{language}")
    page.emulate_media(media="screen")
    page.get_by_role("link", name=words["switch"]).click()
    expect(page.get_by_role("heading", level=1, name=others["notice"])).to_be_visible()

    # The personal link opens in the person's language, one button, nothing recorded yet.
    token = optout.token_for(prospect=camille, channel="email")
    page.goto(f"{live_server.url}/o/{token}/")
    expect(page.get_by_role("heading", name=words["object"])).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Camille")
    assert not Opposition.objects.exists()
    # Read in the other language, then back, then object.
    page.get_by_role("link", name=words["switch"]).click()
    expect(page.get_by_role("heading", name=others["object"])).to_be_visible()
    page.get_by_role("link", name=others["switch"]).click()
    expect(page.get_by_role("heading", name=words["object"])).to_be_visible()
    screenshot(page, f"objection-{language}")
    page.get_by_role("button", name=words["button"]).click()

    expect(page.get_by_role("heading", name=words["done"])).to_be_visible()
    screenshot(page, f"objection-done-{language}")
    for kind, value in (("email", EMAIL), ("phone", PHONE)):
        assert Opposition.objects.filter(
            identifier_type=kind, identifier_index=crypto.blind_index(kind, value), scope="all"
        ).exists()
    assert ConsentEvent.objects.filter(
        prospect=camille, action="withdraw", evidence="opt_out_link", channel="email"
    ).exists()
