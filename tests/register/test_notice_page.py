"""The public art. 14 notice page /privacy/notice/, built from the settings and the register."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from register.models import ProcessingActivity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def notice_settings(settings):
    settings.COMPANY_NAME = "Exemple SAS"
    settings.COMPANY_CONTACT = "contact@exemple.fr"
    settings.DPO_CONTACT = "dpo@exemple.fr"
    settings.NOTICE_PURPOSE = {
        "fr": "vous présenter nos logiciels",
        "en": "presenting our software",
    }
    settings.NOTICE_LEGITIMATE_INTEREST = {
        "fr": "trouver de nouveaux clients professionnels",
        "en": "finding new business customers",
    }
    settings.PROSPECT_RETENTION_DAYS = 1095
    settings.EVIDENCE_RETENTION_DAYS = 1825
    return settings


# What issue 17 lists, in each language: company, contact, DPO, purposes and legitimate
# interests, data, sources (networks, through employees), retention, recipients, rights,
# the CNIL, the version.
REQUIRED = {
    "fr": [
        "Le responsable du traitement est Exemple SAS",
        'href="mailto:contact@exemple.fr"',
        'href="mailto:dpo@exemple.fr"',
        "vous présenter nos logiciels",
        "intérêt légitime : trouver de nouveaux clients professionnels",
        "Intérêt légitime (art. 6.1.f)",  # the register's lawful basis
        "Identité, entreprise et fonction",  # the register's categories of data
        "LinkedIn, X, Facebook, Instagram",
        "l'un de nos collaborateurs les a trouvées",
        "Le commercial qui a trouvé le prospect",  # the register's recipients
        "Nous conservons vos coordonnées 3 ans",
        "conservée 5 ans à titre de preuve",
        "accéder à vos données, les faire rectifier ou effacer",
        "vous opposer à tout moment",
        'href="/privacy/request/"',
        "réclamation auprès de la CNIL",
        "Version du ",
    ],
    "en": [
        "The controller is Exemple SAS",
        'href="mailto:contact@exemple.fr"',
        'href="mailto:dpo@exemple.fr"',
        "presenting our software",
        "legitimate interest: finding new business customers",
        "Legitimate interest (art. 6(1)(f))",
        "Identity, company and job title",
        "LinkedIn, X, Facebook, Instagram",
        "one of our employees found them",
        "The sales rep who found the prospect",
        "We keep your details for 3 years",
        "kept for 5 years as evidence",
        "access your data, have it corrected or erased",
        "object at any time",
        'href="/privacy/request/"',
        "complaint with the French data protection authority, the CNIL",
        "Version of ",
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_answers_anyone_with_every_part_in_their_language(client, language):
    response = client.get(f"/privacy/notice/?lang={language}")

    assert response.status_code == 200
    assert response["Content-Language"] == language
    page = response.content.decode()
    missing = [part for part in REQUIRED[language] if part not in page]
    assert not missing
    other = "en" if language == "fr" else "fr"
    assert f'href="?lang={other}"' in page, "a link to the other language"


def test_the_language_follows_the_visitor_unless_asked(client, settings):
    english = client.get("/privacy/notice/", HTTP_ACCEPT_LANGUAGE="en")
    french = client.get("/privacy/notice/", HTTP_ACCEPT_LANGUAGE="fr")
    asked = client.get("/privacy/notice/?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    unknown = client.get("/privacy/notice/?lang=de", HTTP_ACCEPT_LANGUAGE="de")

    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert asked["Content-Language"] == "fr"
    assert unknown["Content-Language"] == settings.LANGUAGE_CODE, "the site's own otherwise"


def test_the_page_is_printable_without_the_app_navigation(client, rep):
    client.force_login(rep.user)  # even for someone logged in: no app navigation
    page = client.get("/privacy/notice/?lang=en").content.decode()

    assert "/static/css/public.css" in page
    assert 'href="/prospects/"' not in page and "Log out" not in page
    stylesheet = open(finders.find("css/public.css"), encoding="utf-8").read()
    assert "@media print" in stylesheet
    assert ".public-topbar" in stylesheet.split("@media print", 1)[1]


def test_a_dpo_edit_in_the_register_shows_on_the_page_with_its_date(client, dpo):
    activity = ProcessingActivity.objects.get(slug="social-selling")
    ProcessingActivity.objects.filter(pk=activity.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 12))
    )
    before = client.get("/privacy/notice/?lang=en").content.decode()
    assert "Version of 15 Jan 2026." in before

    client.force_login(dpo.user)
    form = client.get(f"/register/{activity.pk}/edit/").context["form"]
    data = {name: value or "" for name, value in form.initial.items() if name in form.fields}
    data["recipients_en"] = "Our sales team and our hosting provider in Frankfurt (processor)."
    data["sources_fr"] = "Salons professionnels et réseaux sociaux."
    assert client.post(f"/register/{activity.pk}/edit/", data).status_code == 302
    client.logout()

    english = client.get("/privacy/notice/?lang=en").content.decode()
    french = client.get("/privacy/notice/?lang=fr").content.decode()
    assert "our hosting provider in Frankfurt (processor)." in english
    assert "Salons professionnels et réseaux sociaux." in french
    today = timezone.localdate()
    assert "Version of 15 Jan 2026." not in english
    assert f"Version du {today.day}" in french


def test_only_the_activities_named_in_the_settings_are_shown(client, settings):
    settings.NOTICE_REGISTER_ACTIVITIES = ["dsar-handling"]
    page = client.get("/privacy/notice/?lang=en").content.decode()

    assert "Handling data-subject requests" in page
    assert "Social selling prospecting" not in page


def test_an_empty_register_still_gives_the_notice_from_the_settings(client):
    ProcessingActivity.objects.all().delete()

    for language in ("fr", "en"):
        response = client.get(f"/privacy/notice/?lang={language}")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Exemple SAS" in page and "dpo@exemple.fr" in page
        assert "CNIL" in page and "LinkedIn" in page
        assert "Version" not in page


def test_the_dpo_edits_the_sources_in_the_register(client, dpo):
    client.force_login(dpo.user)
    page = client.get("/register/").content.decode()
    form = client.get("/register/new/").context["form"]

    assert {"sources_en", "sources_fr"} <= set(form.fields)
    assert not form.fields["sources_en"].required
    assert "gathered by our employees through their own accounts" in page


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_page_only_reads(client, method):
    assert getattr(client, method)("/privacy/notice/").status_code == 405
