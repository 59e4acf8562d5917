"""The gate never allows when its facts cannot be gathered: any failure is a gate_error denial."""

import pytest
from django.db import DatabaseError

import consent.facts
from consent.models import OutreachAttempt
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

DM = "Bonjour, je vous contacte au sujet de votre projet de CRM."


def _body(prospect):
    return {"prospect": str(prospect.pk), "channel": "email", "content": DM}


def _codes(response):
    return [r["code"] for r in response.json()["reasons"]]


@pytest.fixture
def allowed(api_as, rep, prospect):
    """A prospect the gate allows: so a denial below can only come from the failure."""
    client = api_as(rep)
    granted = client.post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "email",
            "action": "grant",
            "evidence": "web_form",
            "proof": "Ticked the box on the contact form",
            "wording_shown": "J’accepte de recevoir vos offres par e-mail.",
        },
        format="json",
    )
    assert granted.status_code == 201
    assert (
        client.post("/api/outreach/check/", _body(prospect), format="json").json()["decision"]
        == "allow"
    )
    return client, prospect


def _raise(exc):
    def broken(*args, **kwargs):
        raise exc

    return broken


def _drop_fact(name):
    original = consent.facts._annotated

    def without(*args, **kwargs):
        rows = original(*args, **kwargs)
        kept = [field for field in rows.query.selected if field != name]
        return rows.values(*kept)

    return without


FAILURES = {
    "blind-index key missing": lambda mp, settings: setattr(settings, "BLIND_INDEX_KEY", ""),
    "blind-index key unreadable": lambda mp, settings: setattr(
        settings, "BLIND_INDEX_KEY", "not base64!"
    ),
    "field-encryption keys missing": lambda mp, settings: setattr(
        settings, "FIELD_ENCRYPTION_KEYS", ""
    ),
    "statement timeout setting unusable": lambda mp, settings: setattr(
        settings, "GATE_STATEMENT_TIMEOUT_MS", "soon"
    ),
    "threshold setting missing": lambda mp, settings: mp.delattr(settings, "UNANSWERED_MAX"),
    "database error in the prepared query": lambda mp, settings: mp.setattr(
        consent.facts, "_run_compiled", _raise(DatabaseError("connection lost"))
    ),
    "database error in the facts query": lambda mp, settings: mp.setattr(
        consent.facts, "_fetch", _raise(DatabaseError("connection lost"))
    ),
    "query cannot be built": lambda mp, settings: mp.setattr(
        consent.facts, "_annotated", _raise(RuntimeError("broken expression"))
    ),
    "a fact missing from the row": lambda mp, settings: mp.setattr(
        consent.facts, "_annotated", _drop_fact("opposed")
    ),
    "the consent fact missing from the row": lambda mp, settings: mp.setattr(
        consent.facts, "_annotated", _drop_fact("latest_consent")
    ),
}


# The prepared statement is PostgreSQL's (consent/facts.py); elsewhere the per-call path runs.
POSTGRESQL_ONLY = {"database error in the prepared query"}


def _cases(names):
    return [
        pytest.param(name, marks=pytest.mark.services) if name in POSTGRESQL_ONLY else name
        for name in names
    ]


@pytest.mark.parametrize("failure", _cases(FAILURES))
def test_a_check_is_denied_with_gate_error_when_facts_cannot_be_gathered(
    allowed, failure, monkeypatch, settings
):
    client, prospect = allowed
    FAILURES[failure](monkeypatch, settings)
    response = client.post("/api/outreach/check/", _body(prospect), format="json")
    assert response.status_code == 200
    assert response.json()["decision"] == "deny"
    assert _codes(response) == ["gate_error"]


@pytest.mark.parametrize(
    "failure",
    _cases(
        [
            "blind-index key missing",
            "database error in the prepared query",
            "database error in the facts query",
        ]
    ),
)
def test_a_logged_attempt_is_refused_and_recorded_as_gate_error(
    allowed, failure, monkeypatch, settings
):
    client, prospect = allowed
    FAILURES[failure](monkeypatch, settings)
    response = client.post("/api/outreach/", _body(prospect), format="json")
    assert response.status_code == 403
    assert _codes(response) == ["gate_error"]
    attempt = OutreachAttempt.objects.get()
    assert attempt.decision == "deny"
    assert attempt.final_content == ""


def test_the_per_call_path_fails_closed_too(allowed, monkeypatch, settings):
    """Without the compiled statement (e.g. behind a pooler) the same failures deny."""
    client, prospect = allowed
    settings.GATE_PREPARED_QUERY = False
    assert (
        client.post("/api/outreach/check/", _body(prospect), format="json").json()["decision"]
        == "allow"
    )
    monkeypatch.setattr(consent.facts, "_annotated", _drop_fact("opposed"))
    response = client.post("/api/outreach/check/", _body(prospect), format="json")
    assert _codes(response) == ["gate_error"]


def test_an_unseen_prospect_is_still_404_not_a_gate_error(api_as, prospect):
    other = EmployeeFactory(role="rep", compliant=True)
    response = api_as(other).post("/api/outreach/check/", _body(prospect), format="json")
    assert response.status_code == 404
