"""The company is encrypted; the list still finds it by the first letters of its words."""

import pytest

from prospects import services
from prospects.models import Prospect
from prospects.selectors import prospect_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(rep, create_prospect):
    names = ("Acme, Inc.", "L'Oréal Paris", "Durand SA", "Garnier & Fils")
    return {
        name: create_prospect(rep, full_name=f"Contact {n}", company=name)
        for n, name in enumerate(names)
    }


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("acm", {"Acme, Inc."}),
        ("ACME", {"Acme, Inc."}),
        ("inc", {"Acme, Inc."}),
        ("acme inc", {"Acme, Inc."}),
        ("oreal", {"L'Oréal Paris"}),
        ("l'oréal", {"L'Oréal Paris"}),
        ("sa", {"Durand SA"}),
        ("garnier fils", {"Garnier & Fils"}),
        # Fewer than three letters match a whole short word only, not every word's start.
        ("ac", set()),
        # A letter group inside a word, or words from two companies, find no one.
        ("cme", set()),
        ("acme paris", set()),
        # Nothing searchable finds no one, not everyone.
        ("&", set()),
    ],
)
def test_a_company_is_found_by_the_first_letters_of_its_words(companies, q, found):
    results = prospect_search(Prospect.objects.all(), q=q)
    assert {prospect.company for prospect in results} == found


def test_a_changed_company_is_found_under_its_new_name_only(rep, companies):
    prospect = companies["Acme, Inc."]
    services.prospect_update(actor=rep.user, prospect=prospect, data={"company": "Globex"})
    assert list(prospect_search(Prospect.objects.all(), q="glob")) == [prospect]
    assert list(prospect_search(Prospect.objects.all(), q="acme")) == []


def test_the_stored_tokens_name_no_word_of_the_company(companies):
    stored = Prospect.objects.values_list("company", "company_tokens")
    for company, tokens in stored:
        assert company.startswith("v1$")
        assert "acme" not in tokens.lower() and "durand" not in tokens.lower()
