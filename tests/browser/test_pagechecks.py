"""Each check of pagechecks.py fails on the page it is meant to catch, and all pass on a clean one.

Pages are set in place (no server, no database), so these run in a few seconds.
"""

import pytest

from tests.browser.pagechecks import (
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_no_raw_code,
    assert_unique_ids,
    check_page,
    open_page,
)

pytestmark = pytest.mark.browser

CLEAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clean page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Camille Morel</h1>
<p>No consent to contact by e-mail yet.</p>
<p>The API names it <code>no_opt_in</code>.</p>
<label for="channel">Channel</label><select id="channel"><option>E-mail</option></select>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo">
<button type="button">Check</button>
</main></body></html>"""


def _with(body: str) -> str:
    return CLEAN.replace("</main>", body + "</main>")


@pytest.fixture
def phone(browser):
    page = open_page(browser, "phone", "en-US")
    yield page
    page.context.close()


def test_a_clean_page_passes_every_check_on_a_phone(phone):
    phone.set_content(CLEAN)

    check_page(phone, "pagechecks-clean", "phone")


def test_a_page_wider_than_the_phone_fails_and_names_the_wide_element(phone):
    phone.set_content(
        _with('<table id="outreach"><tr><td style="min-width: 900px">wide</td></tr></table>')
    )

    with pytest.raises(AssertionError, match=r"px wide on a 390 px screen.*TABLE#outreach"):
        assert_no_horizontal_scroll(phone)


def test_a_raw_code_in_the_visible_text_fails_but_not_in_a_code_block_or_hidden(phone):
    phone.set_content(_with("<p hidden>linkedin_import</p><p>Reason: no_opt_in</p>"))

    with pytest.raises(AssertionError, match=r"internal codes shown to the user: \['no_opt_in'\]"):
        assert_no_raw_code(phone)


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', "image-alt"),
        ('<button type="button"></button>', "button-name"),
        ('<input type="text" id="unlabelled">', "label"),
    ],
)
def test_an_axe_serious_or_critical_violation_fails_naming_the_rule(phone, body, rule):
    phone.set_content(_with(body))

    with pytest.raises(AssertionError, match=rf"{rule} \((serious|critical)\)"):
        assert_accessible(phone)


def test_two_elements_with_one_id_fail(phone):
    phone.set_content(_with('<input id="channel" aria-label="Channel again">'))

    with pytest.raises(AssertionError, match=r"ids used more than once: \['channel ×2'\]"):
        assert_unique_ids(phone)
