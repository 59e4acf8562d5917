"""The /dpo/ page: the API's figures, drawn as SVG bars, for the DPO only."""

import re

import pytest

from tests.factories import EmployeeFactory, ProspectFactory

pytestmark = pytest.mark.django_db


def test_the_dpo_sees_key_figures_and_bar_charts(client, dpo, world):
    client.force_login(dpo.user)

    response = client.get("/dpo/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Prospects by provenance" in page
    assert "Consent coverage per channel" in page
    assert "Top reasons for denial" in page
    assert page.count("<svg") == 7
    # One bar per provenance, as long as its share of the largest (employment 3, pre-hire 1).
    assert re.search(r'<rect x="0" y="\d+" width="70.00%"', page)
    assert re.search(r'<rect x="0" y="\d+" width="23.33%"', page)
    # The same numbers, readable without the drawing.
    assert '<th scope="row">alice</th><td>3</td>' in page
    # Reason codes read as their names, never as the raw code.
    assert '<th scope="row">No prior consent</th><td>2</td>' in page
    assert "no_opt_in" not in page
    assert "Camille" not in page


def test_the_page_is_drawn_with_dots_in_french_too(client, dpo, world):
    client.force_login(dpo.user)
    client.cookies["django_language"] = "fr"

    page = client.get("/dpo/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="fr">' in page
    assert 'width="23.33%"' in page
    assert 'width="23,33%"' not in page


def test_an_empty_crm_says_so_instead_of_drawing_empty_charts(client, dpo):
    client.force_login(dpo.user)

    page = client.get("/dpo/").content.decode()

    assert "No prospect yet" in page
    assert "No outreach was denied in this period." in page
    assert "Prospects by provenance" not in page


@pytest.mark.parametrize("role", ["rep", "manager", "hr", "admin"])
def test_other_roles_are_refused(client, world, role):
    client.force_login(EmployeeFactory(role=role).user)

    assert client.get("/dpo/").status_code == 403


def test_the_dpo_navigation_and_home_link_to_the_dashboard_and_the_register(client, dpo):
    client.force_login(dpo.user)

    home = client.get("/").content.decode()

    assert 'href="/dpo/"' in home
    assert home.count('href="/register/"') == 2  # the navigation and the Oversight card


def test_the_owner_chart_names_the_top_fifteen_and_sums_up_the_others(client, dpo):
    owners = EmployeeFactory.create_batch(17, role="rep")
    for n, owner in enumerate(owners):
        ProspectFactory.create_batch(1 if n < 16 else 2, owner=owner)
    client.force_login(dpo.user)

    page = client.get("/dpo/").content.decode()

    assert f'<th scope="row">{owners[16].user.username}</th><td>2</td>' in page
    assert "And 2 other employees, with 2 prospects." in page
