"""Codes as words, counts with the right plural, and dates one way, in English and French."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import formats, translation

from tests.factories import EmployeeFactory


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load labels %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "network", "reasons"),
    [
        ("en", "LinkedIn", "owns the record, recorded a value"),
        ("fr", "LinkedIn", "est propriétaire de la fiche, a saisi une valeur"),
    ],
)
def test_codes_show_as_their_label(language, network, reasons):
    assert render("{{ code|network_label }}", language, code="linkedin") == network
    assert render("{{ codes|holder_reason_labels }}", language, codes=["owner", "recorded"]) == (
        reasons
    )


def test_a_code_without_a_label_shows_as_it_is_rather_than_vanish():
    assert render("{{ code|network_label }}", "en", code="myspace") == "myspace"
    assert render("{{ code|holder_reason_label }}", "en", code="gossip") == "gossip"


@pytest.mark.parametrize(
    ("language", "date", "short", "datetime_", "short_datetime"),
    [
        ("en", "1 Mar 2024", "1 Mar 2024", "1 Dec 2026, 14:30", "1 Dec 2026, 14:30"),
        ("fr", "1 mars 2024", "01/03/2024", "1 décembre 2026 14:30", "01/12/2026 14:30"),
    ],
)
def test_dates_read_day_month_year_in_english_and_french_stays_as_it_was(
    language, date, short, datetime_, short_datetime
):
    day = datetime.date(2024, 3, 1)
    moment = datetime.datetime(2026, 12, 1, 14, 30)
    with translation.override(language):
        assert formats.date_format(day, "DATE_FORMAT") == date
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(moment, "DATETIME_FORMAT") == datetime_
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == short_datetime


def test_a_us_date_is_not_what_an_english_page_shows(client, db):
    rep = EmployeeFactory(role="rep", hire_date=datetime.date(2024, 3, 1))
    client.force_login(rep.user)

    english = client.get("/").content.decode()
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "1 Mar 2024" in english
    assert "March 1, 2024" not in english and "03/01/2024" not in english
    assert "1 mars 2024" in french


@pytest.mark.parametrize(
    ("lines", "language", "message"),
    [
        (b"06 12 34 56 78\n", "en", "1 number added to the suppression list."),
        (b"06 12 34 56 78\n06 12 34 56 79\n", "en", "2 numbers added to the suppression list."),
        (b"06 12 34 56 78\n", "fr", "1 numéro ajouté à la liste d’opposition."),
        (b"06 12 34 56 78\n06 12 34 56 79\n", "fr", "2 numéros ajoutés à la liste d’opposition."),
    ],
)
def test_the_suppression_import_counts_with_the_right_plural(client, db, lines, language, message):
    dpo = EmployeeFactory(role="dpo")
    client.force_login(dpo.user)

    answer = client.post(
        "/privacy/suppression/import/",
        {"file": SimpleUploadedFile("bloctel.txt", lines)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert message in answer.content.decode()
