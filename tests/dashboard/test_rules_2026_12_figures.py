"""Two DPO figures of rules 2026.12: notes flagged for special categories of data (RULES 25)
and consent grants without proof of the wording shown (RULES 6), counted without decrypting."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from consent import services as consent_services
from consent.models import ConsentEvent
from core import crypto
from dashboard.selectors import provenance_dashboard
from prospects import services
from prospects.models import Prospect
from tests.dashboard.test_provenance_api import DASHBOARD_QUERIES, URL
from tests.factories import ProspectFactory

pytestmark = pytest.mark.django_db

SICK = "En arrêt maladie jusqu’en mars\u202f: rappeler en avril."


def add(owner, notes):
    return services.prospect_create(
        actor=owner.user, owner=owner, data={"full_name": "Élodie Durand", "notes": notes}
    )


def grant(prospect, wording, *, action="grant", channel="email"):
    return ConsentEvent.objects.create(
        prospect=prospect,
        channel=channel,
        action=action,
        evidence="web_form" if action == "grant" else "request",
        purpose="newsletter",
        wording_shown=wording,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
    )


def test_flagged_notes_are_counted_from_the_flag(api_as, dpo, alice):
    add(alice, SICK)
    add(alice, "Délégué syndical CGT")
    add(alice, "Rencontrée au salon de Lyon")
    add(alice, "")
    cleaned = add(alice, "Catholique pratiquante")
    services.prospect_update(actor=alice.user, prospect=cleaned, data={"notes": "Rappeler."})
    deleted = add(alice, SICK)
    consent_services.prospect_delete(actor=alice.user, prospect=deleted)

    body = api_as(dpo).get(URL).json()

    assert body["flagged_notes"] == 2
    assert "arrêt maladie" not in str(body)


# (wording_shown, counted as a grant without proof of wording)
WORDINGS = [
    ("", True),
    ("x", False),  # one character is a wording: the sealed value is one character longer
    ("J’accepte de recevoir la lettre d’information de Durand\u00a0SA.", False),
    ("é", False),
]


@pytest.mark.parametrize(("wording", "counted"), WORDINGS)
def test_a_grant_without_its_wording_is_counted(dpo, alice, wording, counted):
    grant(ProspectFactory(owner=alice), wording)
    assert provenance_dashboard()["consent_grants_without_wording"] == int(counted)


def test_only_grants_count_not_withdrawals(alice):
    prospect = ProspectFactory(owner=alice)
    grant(prospect, "", action="withdraw")
    grant(prospect, "", channel="sms")
    grant(prospect, "J’accepte.", channel="social_message")
    assert provenance_dashboard()["consent_grants_without_wording"] == 1


def test_grants_sealed_under_another_key_are_counted_the_same(settings, alice):
    prospect = ProspectFactory(owner=alice)
    grant(prospect, "")
    grant(prospect, "J’accepte.", channel="sms")
    # After a rotation the key id, and so the token's length, changes: the count does not.
    settings.FIELD_ENCRYPTION_KEYS = (
        f"rotation-2026-december:{crypto.new_key()},{settings.FIELD_ENCRYPTION_KEYS}"
    )
    grant(prospect, "", channel="phone")
    grant(prospect, "I agree.", channel="social_message")
    assert provenance_dashboard()["consent_grants_without_wording"] == 2


def test_the_world_counts_its_unproven_grants(api_as, dpo, world):
    body = api_as(dpo).get(URL).json()
    # The hand-built world records its five grants without their wording.
    assert body["consent_grants_without_wording"] == 5
    assert body["flagged_notes"] == 0
    assert body["suppression_list_size"] == 3


def test_the_query_count_stays_fixed_with_the_new_figures(django_assert_num_queries, world, alice):
    with django_assert_num_queries(DASHBOARD_QUERIES):
        provenance_dashboard()
    for n in range(10):
        prospect = add(alice, SICK if n % 2 else "")
        grant(prospect, "" if n % 3 else "J’accepte.")
    with django_assert_num_queries(DASHBOARD_QUERIES):
        figures = provenance_dashboard()
    assert figures["flagged_notes"] == 5
    assert figures["consent_grants_without_wording"] == 5 + 6


def test_the_page_shows_both_figures_and_what_the_gate_does(client, dpo, world, alice):
    add(alice, SICK)
    client.force_login(dpo.user)

    page = client.get("/dpo/").content.decode()

    assert "consent grants without proof of the wording shown" in page
    assert "Since rules 2026.12 the gate treats such a grant as no grant" in page
    assert "prospect notes that may hold special categories of data" in page
    assert "arrêt maladie" not in page


def test_both_figures_have_their_partial_index():
    with connection.cursor() as cursor:
        prospects = connection.introspection.get_constraints(cursor, "prospects_prospect")
        events = connection.introspection.get_constraints(cursor, "consent_consentevent")
    assert "dashboard_prospect_notes_flagged" in prospects
    assert "dashboard_consent_grant_no_wording" in events


def test_notes_written_before_the_flag_existed_are_checked_once(alice):
    migration = importlib.import_module("prospects.migrations.0012_notes_flagged")
    sick, plain, empty = add(alice, SICK), add(alice, "Salon de Lyon"), add(alice, "")
    Prospect.objects.update(notes_flagged=False)

    migration.flag_existing_notes(apps, None)

    assert set(Prospect.objects.filter(notes_flagged=True).values_list("pk", flat=True)) == {
        sick.pk
    }
    assert {plain.pk, empty.pk}.isdisjoint(
        Prospect.objects.filter(notes_flagged=True).values_list("pk", flat=True)
    )


def test_the_gate_line_reads_in_french(client, dpo, world):
    client.force_login(dpo.user)
    client.cookies["django_language"] = "fr"
    page = client.get("/dpo/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "consentements enregistrés sans preuve du texte présenté" in page
    assert "Depuis les règles 2026.12, le contrôle traite un tel consentement comme" in page
