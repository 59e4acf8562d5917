"""The consent status a rep and other systems read is the one the gate decides on."""

import datetime

import pytest
from django.utils import timezone

from consent.models import ConsentEvent
from consent.rules import counts_for_the_gate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "evidence", "wording", "counts"),
    [
        ("grant", "web_form", "J’accepte de recevoir vos offres.", True),
        ("grant", "web_form", "", False),  # a legacy grant without the wording shown
        ("grant", "sale", "Offre signée en boutique.", False),  # a soft opt-in basis only
        ("withdraw", "request", "", True),
        ("withdraw", "opt_out_link", "", True),
    ],
)
def test_which_events_weigh_in_the_status(action, evidence, wording, counts):
    assert counts_for_the_gate(action=action, evidence=evidence, wording_shown=wording) is counts


def _legacy_grant(prospect, *, wording: str, minutes_ago: int = 10):
    # As rows recorded before rules 2026.12 were: written directly, no service check.
    return ConsentEvent.objects.create(
        prospect=prospect,
        channel="email",
        action="grant",
        evidence="web_form",
        purpose="offers",
        wording_shown=wording,
        occurred_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_a_grant_without_the_wording_shows_no_opt_in_where_the_gate_sees_none(
    api_as, rep, prospect
):
    _legacy_grant(prospect, wording="")
    client = api_as(rep)
    answer = client.get(f"/api/prospects/{prospect.pk}/consents/").json()
    assert len(answer["events"]) == 1  # kept as history
    assert answer["status"]["email"] is None
    check = client.post(
        "/api/outreach/check/",
        {"prospect": str(prospect.pk), "channel": "email", "content": "Bonjour"},
        format="json",
    ).json()
    assert "no_opt_in" in [r["code"] for r in check["reasons"]]


def test_a_proven_grant_shows_the_opt_in(api_as, rep, prospect):
    _legacy_grant(prospect, wording="Acceptez-vous nos offres par e-mail ?")
    answer = api_as(rep).get(f"/api/prospects/{prospect.pk}/consents/").json()
    assert answer["status"]["email"] == "grant"
