"""retention 0002: the old archive of purged prospects' consent goes back into consent events."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("retention", "0001_repermission_archive_cursor"),
    ("consent", "0009_consent_evidence_outlives_its_record"),
]
AFTER = [("retention", "0002_evidence_back_into_consent_events")]


@pytest.mark.django_db(transaction=True)
def test_archived_events_become_detached_consent_events_with_their_period():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    archived_at = timezone.now() - datetime.timedelta(days=100)
    ref, event_id = uuid.uuid4(), uuid.uuid4()
    occurred = timezone.now() - datetime.timedelta(days=900)
    old.get_model("retention", "ArchivedConsentEvent").objects.create(
        id=event_id,
        prospect_ref=ref,
        channel="email",
        action="grant",
        purpose="newsletter",
        evidence="written_reply",
        wording_shown="Acceptez-vous nos e-mails ?",
        occurred_at=occurred,
        recorded_at=occurred,
        archived_at=archived_at,
        keep_until=datetime.date(2031, 1, 1),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from consent.models import ConsentEvent, RemovedRecord

    event = ConsentEvent.objects.get(pk=event_id)
    assert (event.prospect_id, event.prospect_ref, event.proof) == (None, ref, "")
    assert (event.channel, event.action, event.purpose) == ("email", "grant", "newsletter")
    assert event.wording_shown == "Acceptez-vous nos e-mails ?"
    assert (event.occurred_at, event.recorded_at) == (occurred, occurred)
    removed = RemovedRecord.objects.get(pk=ref)
    assert (removed.reason, removed.removed_at) == ("retention", archived_at)
