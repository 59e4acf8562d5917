"""Consent events: real evidence only, append-only, latest wins and opt-out wins a tie."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from consent.models import AppendOnlyError, ConsentEvent
from consent.rules import current_status
from consent.services import InvalidConsentEvidence, consent_record
from tests.factories import ProspectFactory

T0 = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
T1 = T0 + datetime.timedelta(hours=1)


def record(prospect, **overrides):
    data = {
        "actor": prospect.owner.user,
        "captured_by": prospect.owner,
        "prospect": prospect,
        "channel": "email",
        "action": "grant",
        "evidence": "written_reply",
        "proof": "Replied 'yes, send me the offer' to my LinkedIn message",
        "wording_shown": "May we e-mail you our offers?",
        "purpose": "our offers by e-mail",
    }
    return consent_record(**{**data, **overrides})


@pytest.mark.django_db
@pytest.mark.parametrize("evidence", ["like", "follow", "connection_accepted"])
def test_a_reaction_on_a_network_never_grants_consent(evidence):
    prospect = ProspectFactory()
    with pytest.raises(InvalidConsentEvidence) as error:
        record(prospect, evidence=evidence)
    assert "evidence" in error.value.message_dict
    assert not ConsentEvent.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_grant_on_a_like_too():
    prospect = ProspectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentEvent.objects.create(
            prospect=prospect, channel="email", action="grant", evidence="like", occurred_at=T0
        )


@pytest.mark.django_db
def test_a_reaction_may_be_logged_with_a_withdrawal():
    prospect = ProspectFactory()
    assert record(prospect, action="withdraw", evidence="request").action == "withdraw"


@pytest.mark.django_db
def test_events_are_append_only():
    event = record(ProspectFactory())
    event.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.update(purpose="x")
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.all().delete()


@pytest.mark.django_db
def test_proofs_are_encrypted_at_rest():
    record(ProspectFactory())
    with connection.cursor() as cursor:
        cursor.execute("SELECT proof, wording_shown FROM consent_consentevent")
        stored = " ".join(cursor.fetchone())
    assert "yes, send me the offer" not in stored
    assert "May we e-mail you" not in stored
    assert ConsentEvent.objects.get().proof.startswith("Replied")


def test_latest_event_wins():
    assert current_status([(T0, "grant"), (T1, "withdraw")]) == "withdraw"
    assert current_status([(T0, "withdraw"), (T1, "grant")]) == "grant"
    assert current_status([]) is None


def test_on_a_tie_opt_out_wins_whatever_the_order():
    assert current_status([(T0, "grant"), (T0, "withdraw")]) == "withdraw"
    assert current_status([(T0, "withdraw"), (T0, "grant")]) == "withdraw"
