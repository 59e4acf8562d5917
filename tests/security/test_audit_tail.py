"""The attack: someone with write access to the database erases their last steps.

Removing the last audit entries, or rewriting the last one with a fresh hash, leaves a
chain that still links up. The signed checkpoints catch it; the database refuses
TRUNCATE to anyone but a superuser; a forged checkpoint is itself an error.
"""

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit import checkpoints, events
from audit.models import AuditCheckpoint, AuditEvent
from socialcrm.tasks import write_audit_checkpoint
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

APP_ROLE = "socialcrm_audit_test_app"


def write_events(actor, count: int = 5) -> list[AuditEvent]:
    return [
        events.record(actor=actor, action="changed", object_type="prospects.prospect", object_id=n)
        for n in range(count)
    ]


def as_attacker(statements: list[tuple[str, list]]) -> None:
    """Raw SQL past the append-only triggers, as a superuser or the tables' owner can."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def verify_fails(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit")


def test_deleting_the_last_entries_is_named_by_verify_audit(rep):
    trail = write_events(rep.user)
    call_command("verify_audit")  # intact: signs a checkpoint of 5 events
    as_attacker([("DELETE FROM audit_auditevent WHERE id >= %s", [trail[3].id])])
    # What is left is a valid chain of three events: only the checkpoint knows better.
    verify_fails(rf"2 event\(s\) missing from the end of the trail.*ends at event {trail[2].id}")


def test_rewriting_the_last_entry_and_its_hash_is_named_by_verify_audit(rep):
    trail = write_events(rep.user)
    checkpoints.checkpoint_write()
    last = AuditEvent.objects.get(pk=trail[-1].pk)
    last.action = "viewed"
    forged_hash = last.compute_hash()
    as_attacker(
        [
            (
                "UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
                ["viewed", forged_hash, last.id],
            )
        ]
    )
    verify_fails(f"event {last.id} was rewritten")


def test_a_checkpoint_moved_along_with_the_trail_fails_its_signature(rep):
    trail = write_events(rep.user)
    checkpoint = checkpoints.checkpoint_write()
    as_attacker(
        [
            ("DELETE FROM audit_auditevent WHERE id = %s", [trail[-1].id]),
            (
                "UPDATE audit_auditcheckpoint SET event_count = %s, head_id = %s, head_hash = %s "
                "WHERE id = %s",
                [4, trail[-2].id, trail[-2].hash, checkpoint.id],
            ),
        ]
    )
    verify_fails(f"checkpoint {checkpoint.id} does not match its signature")


def test_a_new_checkpoint_never_vouches_for_a_shortened_trail(rep, caplog):
    trail = write_events(rep.user)
    write_audit_checkpoint()
    as_attacker([("DELETE FROM audit_auditevent WHERE id = %s", [trail[-1].id])])
    with caplog.at_level(logging.ERROR, logger="socialcrm.tasks"):
        assert write_audit_checkpoint() is None
    assert "missing from the end of the trail" in caplog.text
    assert AuditCheckpoint.objects.count() == 1
    verify_fails("missing from the end of the trail")


def test_an_intact_trail_verifies_and_gets_a_signed_checkpoint_logged(rep, caplog, capsys):
    trail = write_events(rep.user)
    with caplog.at_level(logging.INFO, logger="audit.checkpoints"):
        call_command("verify_audit")
    assert "audit chain intact (5 events)" in capsys.readouterr().out
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.event_count, checkpoint.head_hash) == (5, trail[-1].hash)
    assert checkpoints.signature_valid(checkpoint)
    assert f"5 events, head event {trail[-1].id} hash {trail[-1].hash}" in caplog.text
    # New events after a checkpoint are simply newer than it.
    write_events(rep.user, 2)
    call_command("verify_audit")


@pytest.mark.services
def test_an_app_role_that_is_not_superuser_cannot_truncate_the_trail(rep):
    write_events(rep.user)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOSUPERUSER")
        # Every table privilege, TRUNCATE included: only the trigger stands in the way.
        cursor.execute(f"GRANT ALL ON audit_auditevent, audit_auditcheckpoint TO {APP_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
    for table in ("audit_auditevent", "audit_auditcheckpoint"):
        with pytest.raises(DatabaseError, match="TRUNCATE refused"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert AuditEvent.objects.count() == 5


def test_each_checkpoint_is_sent_to_the_subscribed_webhooks(rep):
    subscription = WebhookSubscription.objects.create(
        url="https://hooks.example.net/audit",
        secret="checkpoint-secret-0123456789",
        events=[checkpoints.WEBHOOK_EVENT],
    )
    trail = write_events(rep.user)
    checkpoint = write_audit_checkpoint_and_get()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.payload["event"] == checkpoints.WEBHOOK_EVENT
    assert delivery.payload["data"] | {"at": None} == {
        "checkpoint": checkpoint.pk,
        "at": None,
        "count": 5,
        "head_id": trail[-1].id,
        "head_hash": trail[-1].hash,
        "signature": checkpoint.signature,
    }


def write_audit_checkpoint_and_get() -> AuditCheckpoint:
    """The scheduled task's run, as beat starts it; the checkpoint it wrote."""
    return AuditCheckpoint.objects.get(pk=write_audit_checkpoint())


def test_verify_audit_sends_its_checkpoint_too(rep):
    subscription = WebhookSubscription.objects.create(
        url="https://hooks.example.net/audit",
        secret="checkpoint-secret-0123456789",
        events=[checkpoints.WEBHOOK_EVENT],
    )
    write_events(rep.user)
    call_command("verify_audit")
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.payload["data"]["checkpoint"] == AuditCheckpoint.objects.get().pk
    # Checking alone writes and sends nothing.
    call_command("verify_audit", "--no-checkpoint")
    assert WebhookDelivery.objects.count() == 1
