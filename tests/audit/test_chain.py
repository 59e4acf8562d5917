"""The audit trail is append-only and any edit to it is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit import events
from audit.models import AppendOnlyError, AuditEvent
from socialcrm.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def write_three_events(actor):
    for action in ("created", "changed", "deleted"):
        events.record(actor=actor, action=action, object_type="prospects.prospect", object_id="42")


def tamper(event_id: int, action: str) -> None:
    """What someone with write access to the database could do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", [action, event_id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_events_link_into_a_chain_that_verifies(rep, capsys):
    write_three_events(rep.user)
    chain = list(AuditEvent.objects.order_by("id"))
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert chain[0].actor_label == rep.user.username
    call_command("verify_audit")
    assert "audit chain intact (3 events)" in capsys.readouterr().out


def test_the_orm_refuses_to_change_or_delete_events(rep):
    write_three_events(rep.user)
    event = AuditEvent.objects.first()
    event.action = "nothing happened"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_an_edited_row_is_named_by_verify_audit(rep):
    write_three_events(rep.user)
    middle = AuditEvent.objects.order_by("id")[1]
    tamper(middle.id, "viewed")
    with pytest.raises(CommandError, match=f"broken at event {middle.id}"):
        call_command("verify_audit")


def test_a_deleted_row_breaks_the_chain_at_the_next_event(rep):
    write_three_events(rep.user)
    first, middle, last = AuditEvent.objects.order_by("id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [middle.id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    with pytest.raises(CommandError, match=f"broken at event {last.id}"):
        call_command("verify_audit")


@pytest.mark.services
def test_postgresql_itself_refuses_updates_and_deletes(rep):
    write_three_events(rep.user)
    event_id = AuditEvent.objects.first().id
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event_id])


@pytest.mark.services
def test_the_nightly_check_runs_on_a_real_worker(celery_worker, rep):
    write_three_events(rep.user)
    assert verify_audit_chain.delay().get(timeout=30) == {"intact": True, "first_bad_event": None}
    middle = AuditEvent.objects.order_by("id")[1]
    tamper(middle.id, "viewed")
    assert verify_audit_chain.delay().get(timeout=30) == {
        "intact": False,
        "first_bad_event": middle.id,
    }
