"""The gate speaks the user's language."""

import dataclasses

from consent.gate import decide
from tests.consent.test_gate_rules import BASE


def with_(**changes):
    return dataclasses.replace(BASE, **changes)


def test_messages_follow_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        english = decide(with_(lawful_basis="")).reasons[0].message
    with translation.override("fr"):
        french = decide(with_(lawful_basis="")).reasons[0].message
    assert english == "No lawful basis is recorded for this prospect."
    assert french == "Aucune base légale n’est enregistrée pour ce prospect."
