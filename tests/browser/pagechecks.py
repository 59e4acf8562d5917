"""What every page must hold on a phone and at a desk, in English and French.

Used by the browser tests of the rep's, manager's and DPO's days:

- ``open_page(browser, viewport, locale)``: a fresh context at ``PHONE`` (390×844) or
  ``DESKTOP`` (1366×900) in ``en-US`` or ``fr-FR``;
- ``wait_for_htmx``: the parts a page loads after it opens (the Contact panel) are in;
- ``assert_no_horizontal_scroll``: nothing wider than the screen;
- ``assert_within_screens``: an element starts within the first N screens;
- ``assert_no_raw_code``: no internal code (``no_opt_in``, ``linkedin_import``) in the
  visible text, outside code blocks;
- ``assert_unique_ids``: no two elements share an ``id`` (a label would point at the wrong one);
- ``assert_accessible``: axe-core (shipped by axe-playwright-python, nothing downloaded)
  reports no serious or critical violation;
- ``snap``: a screenshot under ``test-artifacts/`` named after the page and the viewport.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.browser.conftest import TIMEOUT_MS, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
LOCALES = ("en-US", "fr-FR")
# An internal code: lower-case words joined by underscores ("no_opt_in", "pre_hire").
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")

_axe = Axe()

# The text a person sees: visible text nodes, outside code blocks, scripts and styles.
_VISIBLE_TEXT = """() => {
  const skip = new Set(["CODE", "PRE", "KBD", "SAMP", "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text) continue;
    let element = node.parentElement, hidden = false;
    for (let up = element; up; up = up.parentElement) {
      if (skip.has(up.tagName)) { hidden = true; break; }
    }
    if (hidden || !element.checkVisibility({visibilityProperty: true})) continue;
    parts.push(text);
  }
  return parts;
}"""


def open_page(browser: Browser, viewport: str = "desktop", locale: str = "en-US") -> Page:
    """A new tab in its own context (cookies, language) at ``viewport``; close its context after."""
    context = browser.new_context(locale=locale, viewport=VIEWPORTS[viewport])
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def assert_no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                          && e.checkVisibility())
             .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '')
                                    + (e.className ? '.' + e.className : ''))"""
    )
    assert overflow[0] <= overflow[1], (
        f"{page.url}: the page is {overflow[0]} px wide on a {overflow[1]} px screen; "
        f"wider elements: {wide}"
    )


def assert_within_screens(page: Page, selector: str, screens: int = 2) -> None:
    top = page.locator(selector).first.evaluate(
        "e => e.getBoundingClientRect().top + window.scrollY"
    )
    height = page.evaluate("() => window.innerHeight")
    assert top < screens * height, (
        f"{page.url}: {selector} starts {top:.0f} px down, beyond {screens} screens of {height} px"
    )


def visible_text(page: Page) -> list[str]:
    return page.evaluate(_VISIBLE_TEXT)


def assert_no_raw_code(page: Page) -> None:
    raw = sorted({match for text in visible_text(page) for match in RAW_CODE.findall(text)})
    assert not raw, f"{page.url}: internal codes shown to the user: {raw}"


def assert_unique_ids(page: Page) -> None:
    """No id attribute value used twice in the DOM as it stands (htmx swaps included)."""
    repeated = page.evaluate(
        """() => {
          const seen = new Map();
          for (const element of document.querySelectorAll('[id]')) {
            seen.set(element.id, (seen.get(element.id) || 0) + 1);
          }
          return [...seen].filter(([, count]) => count > 1).map(([id, count]) => `${id} ×${count}`);
        }"""
    )
    assert not repeated, f"{page.url}: ids used more than once: {repeated}"


def assert_accessible(page: Page) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    results = _axe.run(page)
    grave = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not grave, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in grave
    )


def snap(page: Page, name: str, viewport: str, locale: str = "en-US") -> None:
    """Screenshot of the page for people to look at: ``test-artifacts/<name>-<viewport>-<lang>.png``."""
    screenshot(page, f"{name}-{viewport}-{locale[:2]}")


def wait_for_htmx(page: Page) -> None:
    """The page as the user sees it once settled: htmx started, every part it loads on page
    load (the Contact panel) swapped in, and no request of its in flight."""
    page.wait_for_function(
        """() => (window.htmx || !document.querySelector('script[src*="htmx"]'))
                 && !document.querySelector('.htmx-request, [hx-trigger~="load"]:empty')"""
    )


def check_page(page: Page, name: str, viewport: str, locale: str = "en-US") -> None:
    """Every check above on the page once settled, then its screenshot."""
    wait_for_htmx(page)
    if viewport == "phone":
        assert_no_horizontal_scroll(page)
    assert_no_raw_code(page)
    assert_unique_ids(page)
    assert_accessible(page)
    snap(page, name, viewport, locale)
