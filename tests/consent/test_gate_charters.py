"""charter_missing names the charters still to acknowledge, by their titles in the user's language."""

import dataclasses
import datetime

import pytest
from django.utils import timezone, translation

from charters.models import Acknowledgement, Training
from charters.selectors import current_versions
from consent.gate import decide
from prospects import services as prospect_services
from tests.consent.test_gate_rules import BASE
from tests.factories import EmployeeFactory

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


def _message(facts, language):
    with translation.override(language):
        reason = next(r for r in decide(facts).reasons if r.code == "charter_missing")
    return reason.message


def test_the_message_names_each_missing_charter_in_the_active_language():
    facts = dataclasses.replace(
        BASE,
        charters_missing=("gdpr_code_of_conduct", "social_selling"),
        charters_missing_titles=(
            ("GDPR code of conduct", "Code de conduite RGPD"),
            ("Social selling charter", "Charte du social selling"),
        ),
    )
    assert decide(facts).decision == "deny"
    english = _message(facts, "en")
    assert "GDPR code of conduct, Social selling charter" in english
    assert "Charte" not in english
    french = _message(facts, "fr")
    assert "Code de conduite RGPD, Charte du social selling" in french


def test_one_missing_charter_is_named_in_the_singular():
    facts = dataclasses.replace(
        BASE,
        charters_missing=("social_selling",),
        charters_missing_titles=(("Social selling charter", "Charte du social selling"),),
    )
    assert _message(facts, "en") == (
        "This required charter has not been acknowledged in its current version: "
        "Social selling charter."
    )


@pytest.mark.django_db
def test_the_api_names_the_charters_the_rep_has_not_acknowledged(api_as):
    rep = EmployeeFactory(role="rep")
    Training.objects.create(
        employee=rep, completed_at=datetime.date(2024, 1, 1), valid_until=datetime.date(2099, 1, 1)
    )
    required = list(
        current_versions(today=timezone.localdate()).filter(required_for_prospecting=True)
    )
    assert len(required) >= 2, "the seeded charters include two required ones"
    acknowledged, *missing = required
    Acknowledgement.objects.create(employee=rep, version=acknowledged, at=timezone.now(), via="api")
    prospect = prospect_services.prospect_create(
        actor=rep.user,
        owner=rep,
        data={"full_name": "Jean Dupont", "kind": "b2b", "lawful_basis": "legitimate_interest"},
    )
    body = {"prospect": str(prospect.pk), "channel": "phone"}
    client = api_as(rep)
    reason = next(
        r
        for r in client.post("/api/outreach/check/", body, format="json").json()["reasons"]
        if r["code"] == "charter_missing"
    )
    for version in missing:
        assert version.title_en in reason["message"]
    assert acknowledged.title_en not in reason["message"]
    french = client.post("/api/outreach/check/", body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    french_reason = next(r for r in french.json()["reasons"] if r["code"] == "charter_missing")
    for version in missing:
        assert version.title_fr in french_reason["message"]

    for version in missing:
        Acknowledgement.objects.create(employee=rep, version=version, at=timezone.now(), via="api")
    after = client.post("/api/outreach/check/", body, format="json").json()
    assert "charter_missing" not in [r["code"] for r in after["reasons"]]
