"""The page shell in a real browser: language, per-role navigation (folded on a phone), the skip
link, the favicon, and the accounts form."""

import pytest
from playwright.sync_api import expect

from people.models import SocialAccount
from tests.browser.conftest import login, screenshot
from tests.browser.pagechecks import PHONE, assert_no_horizontal_scroll, check_page, open_page
from tests.factories import EmployeeFactory, SocialAccountFactory

pytestmark = pytest.mark.browser


SALES_LINKS = ["Home", "My prospects", "Import", "My social accounts", "My compliance"]


def nav_links(page) -> list[str]:
    return [text.strip() for text in page.locator("header nav a").all_inner_texts()]


def test_a_rep_switches_to_french_in_the_header_works_in_french_and_logs_out(page, live_server):
    rep = EmployeeFactory(role="rep", user__username="alice")
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("Log in")

    with page.expect_navigation():
        page.select_option("#language", "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Connexion")
    screenshot(page, "shell-fr-login")

    login(page, live_server, rep.user.username)
    expect(page.locator("h1")).to_have_text("Bienvenue, alice")
    assert nav_links(page) == [
        "Accueil",
        "Mes prospects",
        "Importer",
        "Mes comptes sociaux",
        "Ma conformité",
        "Ventes",
        "Pipeline",
        "Partager",
    ]
    expect(page.get_by_role("heading", name="Votre profil")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Commercial")
    expect(page.locator(".facts")).to_contain_text("Actif")
    screenshot(page, "shell-fr-home-rep")

    page.get_by_role("link", name="Mes comptes sociaux").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    handle = page.locator(".field", has=page.locator("#id_handle"))
    expect(handle.locator(".errorlist")).to_have_text("Ce champ est obligatoire.")
    screenshot(page, "shell-fr-accounts-errors")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("Connexion")
    assert nav_links(page) == []


@pytest.mark.parametrize("page", ["fr-FR"], indirect=True)
def test_a_french_browser_gets_the_french_ui_without_choosing(page, live_server):
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label("Nom d’utilisateur")).to_be_visible()
    expect(page.locator("#language")).to_have_value("fr")


@pytest.mark.parametrize(
    ("role", "links", "section"),
    [
        (
            "rep",
            [*SALES_LINKS, "Deals", "Pipeline", "Share"],
            "Your social accounts",
        ),
        (
            "manager",
            [
                "Home",
                "Team prospects",
                *SALES_LINKS[2:],
                "Deals",
                "Pipeline",
                "Team",
                "Share",
                "Content library",
            ],
            "Your team",
        ),
        ("hr", ["Home", "Offboarding"], "Employees"),
        (
            "dpo",
            [
                "Home",
                "Dashboard",
                "Prospects",
                "Content library",
                "Data requests",
                "Suppression list",
                "Register",
                "Webhooks",
                "API",
                "Offboarding",
            ],
            "Oversight",
        ),
        (
            "admin",
            [
                "Home",
                "Data requests",
                "Suppression list",
                "Register",
                "Webhooks",
                "API",
                "Administration",
            ],
            "Oversight",
        ),
    ],
)
def test_each_role_sees_only_its_own_links(page, live_server, role, links, section):
    employee = EmployeeFactory(
        role=role, user__is_staff=role == "admin", user__is_superuser=role == "admin"
    )
    EmployeeFactory(role="rep", manager=employee if role == "manager" else None)
    login(page, live_server, employee.user.username)
    assert nav_links(page) == links
    expect(page.get_by_role("heading", name=section)).to_be_visible()
    screenshot(page, f"shell-en-home-{role}")


def test_a_rep_registers_an_account_and_bad_input_is_named_next_to_its_field(page, live_server):
    rep = EmployeeFactory(role="rep")
    SocialAccountFactory(employee=rep, network="x", handle="alice_sells")
    login(page, live_server, rep.user.username)
    page.get_by_role("link", name="My social accounts").click()
    expect(page.locator("h1")).to_have_text("My social accounts")

    page.select_option("#id_network", "linkedin")
    page.fill("#id_handle", "alice-martin")
    page.fill("#id_profile_url", "https://www.linkedin.com/in/alice-martin")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator(".messages")).to_have_text("Account registered.")
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table")).to_contain_text("alice-martin")
    screenshot(page, "shell-en-accounts-registered")

    page.select_option("#id_network", "facebook")
    page.get_by_role("button", name="Register", exact=True).click()
    handle = page.locator(".field", has=page.locator("#id_handle"))
    network = page.locator(".field", has=page.locator("#id_network"))
    expect(handle.locator(".errorlist")).to_have_text("This field is required.")
    expect(page.locator("#id_handle")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_handle")).to_have_accessible_description(
        "Your public name or @handle on that network. Never a password. This field is required."
    )
    expect(network.locator(".errorlist")).to_have_count(0)

    # A crafted request, not a choice the select offers: the server must still refuse it.
    page.locator("#id_network").evaluate(
        "select => { select.add(new Option('MySpace', 'myspace')); select.value = 'myspace'; }"
    )
    page.fill("#id_handle", "alice")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(network.locator(".errorlist")).to_contain_text("Select a valid choice.")
    expect(page.locator("#id_handle")).to_have_value("alice")
    screenshot(page, "shell-en-accounts-errors")

    assert sorted(SocialAccount.objects.filter(employee=rep).values_list("handle", flat=True)) == [
        "alice-martin",
        "alice_sells",
    ]


@pytest.mark.parametrize("page", ["fr-FR"], indirect=True)
def test_the_pages_fit_a_phone_screen_in_french(page, live_server):
    manager = EmployeeFactory(role="manager")
    EmployeeFactory.create_batch(2, manager=manager)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, manager.user.username)
    for path in ("/", "/me/accounts/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    screenshot(page, "shell-fr-phone-accounts")


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_on_a_phone_the_menu_folds_behind_one_button_and_opens_on_tap(browser, live_server, locale):
    rep = EmployeeFactory(role="rep", user__username="alice")
    page = open_page(browser, "phone", locale)
    try:
        login(page, live_server, rep.user.username)
        header = page.locator("header")
        toggle = page.locator("header .menu-toggle")
        menu = page.locator("#site-menu")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_have_attribute("aria-controls", "site-menu")
        expect(menu).to_be_hidden()
        expect(page.locator("#language")).to_be_visible()  # the language stays one tap away
        assert header.bounding_box()["height"] < 70
        check_page(page, "shell-menu-closed", "phone", locale)

        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_visible()
        logout = "Se déconnecter" if locale == "fr-FR" else "Log out"
        expect(page.get_by_role("button", name=logout)).to_be_visible()
        expect(page.locator("header nav a[aria-current=page]")).to_be_visible()
        check_page(page, "shell-menu-open", "phone", locale)

        page.locator("header nav a").nth(1).focus()
        page.keyboard.press("Escape")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_be_focused()
        expect(menu).to_be_hidden()

        toggle.click()
        page.get_by_role("button", name=logout).click()
        page.wait_for_url(f"{live_server.url}/login/")
    finally:
        page.context.close()


def test_at_a_desk_the_menu_is_open_and_the_button_is_not_there(page, live_server):
    rep = EmployeeFactory(role="rep")
    login(page, live_server, rep.user.username)
    expect(page.locator("header .menu-toggle")).to_be_hidden()
    expect(page.locator("header nav")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_without_javascript_a_phone_shows_the_whole_menu(browser, live_server):
    rep = EmployeeFactory(role="rep")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, rep.user.username)
        expect(page.locator("header .menu-toggle")).to_be_hidden()
        expect(page.locator("header nav")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        assert_no_horizontal_scroll(page)
        screenshot(page, "shell-menu-no-js-phone")
    finally:
        context.close()


def test_the_skip_link_appears_on_the_first_tab_and_jumps_to_the_page(page, live_server):
    rep = EmployeeFactory(role="rep")
    login(page, live_server, rep.user.username)
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box()["y"] < 0  # out of sight until needed

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0
    screenshot(page, "shell-skip-link")

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_every_page_has_the_favicon(page, live_server):
    page.goto(f"{live_server.url}/login/")
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_attribute("type", "image/svg+xml")
    answer = page.request.get(live_server.url + icon.get_attribute("href"))
    assert answer.status == 200
    assert answer.body().startswith(b"<svg")
