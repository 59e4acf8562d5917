"""Names are encrypted; the list finds them by the first letters of their words, and an
exact e-mail, phone or URL through its blind index alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prospects import rules
from prospects.models import Prospect
from prospects.selectors import prospect_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(rep, create_prospect):
    names = ("Anne Morel", "Élodie Durand", "Jean-Marc O'Brien", "Mo Li")
    return {name: create_prospect(rep, full_name=name, company="Initech") for name in names}


def found(q):
    return {prospect.full_name for prospect in prospect_search(Prospect.objects.all(), q=q)}


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("Mor", {"Anne Morel"}),
        ("mor", {"Anne Morel"}),
        ("MOREL", {"Anne Morel"}),
        ("an mo", {"Anne Morel"}),
        ("elo", {"Élodie Durand"}),
        ("ÉLO", {"Élodie Durand"}),
        ("Élodie Dur", {"Élodie Durand"}),
        # A hyphenated or apostrophed name is several words, each found by its start.
        ("marc", {"Jean-Marc O'Brien"}),
        ("jean-ma", {"Jean-Marc O'Brien"}),
        ("bri", {"Jean-Marc O'Brien"}),
        ("o'brien", {"Jean-Marc O'Brien"}),
        # Two letters start a word; a short word is found whole.
        ("mo", {"Anne Morel", "Mo Li"}),
        ("li", {"Mo Li"}),
        # One letter finds only one-letter words, not half the list.
        ("m", set()),
        # Letters inside a word, or words of two people, find no one.
        ("orel", set()),
        ("anne durand", set()),
    ],
)
def test_a_name_is_found_by_the_first_letters_of_its_words(people, q, names):
    assert found(q) == names


def test_the_stored_tokens_name_no_word_nor_beginning(people):
    for tokens in Prospect.objects.values_list("name_tokens", flat=True):
        assert "mor" not in tokens.lower() and "anne" not in tokens.lower()


def test_two_names_with_the_same_words_hold_the_same_tokens_only():
    # The DSAR review compares names by their tokens: a word that starts another word of
    # the same name must not make two different names look alike.
    assert rules.name_tokens("Jean Jeanne") != rules.name_tokens("Jeanne")
    assert rules.name_tokens("Jeanne Jean") == rules.name_tokens("jean JEANNE")


@pytest.mark.parametrize(
    "q",
    [
        "elodie.durand@example.com",
        " Elodie.Durand@EXAMPLE.com ",
        "+33 6 12 34 56 78",
        "https://www.linkedin.com/in/elodie-durand/",
    ],
)
def test_an_exact_identifier_is_answered_from_its_blind_index_alone(rep, create_prospect, q):
    elodie = create_prospect(
        rep,
        email="elodie.durand@example.com",
        phone="06 12 34 56 78",
        profile_url="https://linkedin.com/in/elodie-durand",
        company="Example",
    )
    # A company called like the address finds nothing more: only the index is asked.
    create_prospect(rep, full_name="Other", company="elodie durand example com")
    with CaptureQueriesContext(connection) as captured:
        results = list(prospect_search(Prospect.objects.all(), q=q))
    assert results == [elodie]
    (sql,) = [query["sql"] for query in captured]
    where = sql.split(" WHERE ", 1)[1]
    assert "company_tokens" not in where and "name_tokens" not in where
    assert "_index" in where


def test_postgresql_answers_a_prefix_and_an_email_from_their_indexes(people, rep, create_prospect):
    from core import database

    if not database.postgresql():
        pytest.skip("the GIN index of the tokens is PostgreSQL's")
    create_prospect(rep, full_name="Zoé Roux", email="zoe.roux@example.com")
    with connection.cursor() as cursor:
        # A handful of rows: forbid the sequential scan so the plan shows the index it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for q, index in (
            ("mor", "prospect_name_tokens"),
            ("acm", "prospect_company_tokens"),
            ("zoe.roux@example.com", "prospect_unique_email"),
        ):
            sql, params = prospect_search(Prospect.objects.all(), q=q).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan
