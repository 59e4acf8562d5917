"""The database itself keeps consent events append-only, except for an erasure."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from consent.models import AppendOnlyError, ConsentEvent, consent_erasure
from tests.factories import ProspectFactory

# The trigger and the foreign key's cascade are PostgreSQL's.
pytestmark = pytest.mark.services

T0 = datetime.datetime(2025, 1, 10, 10, tzinfo=datetime.UTC)


def _event(prospect):
    return ConsentEvent.objects.create(
        prospect=prospect,
        channel="email",
        action="grant",
        evidence="written_reply",
        proof="Replied yes",
        occurred_at=T0,
    )


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.mark.django_db
def test_raw_sql_cannot_change_or_delete_a_consent_event():
    event = _event(ProspectFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("UPDATE consent_consentevent SET purpose = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("DELETE FROM consent_consentevent WHERE id = %s", [event.pk])
    assert ConsentEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_an_erasure_may_delete_them_and_the_permission_ends_with_the_block():
    event = _event(ProspectFactory())
    other = _event(ProspectFactory())
    with transaction.atomic(), consent_erasure():
        assert ConsentEvent.objects.filter(pk=event.pk).delete()[0] == 1
    assert not ConsentEvent.objects.filter(pk=event.pk).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw("DELETE FROM consent_consentevent WHERE id = %s", [other.pk])
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=other.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_the_erasure_switch_needs_a_transaction():
    with pytest.raises(AppendOnlyError), consent_erasure():
        pass


@pytest.mark.django_db
def test_deleting_a_prospect_keeps_its_events_unlinked_and_changes_nothing_else():
    # RULES 19 (2026.12): the events outlive their record; before, they went with it.
    prospect = ProspectFactory()
    prospect_id = prospect.pk
    event = _event(prospect)
    kept = _event(ProspectFactory())
    with transaction.atomic():
        prospect.delete()
        # The foreign key's permission covers its own SET NULL, nothing more.
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw("DELETE FROM consent_consentevent WHERE id = %s", [kept.pk])
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw("UPDATE consent_consentevent SET prospect_id = NULL WHERE id = %s", [kept.pk])
    detached = ConsentEvent.objects.get(pk=event.pk)
    assert (detached.prospect_id, detached.prospect_ref) == (None, prospect_id)
    assert (detached.proof, detached.occurred_at) == ("Replied yes", T0)
    assert ConsentEvent.objects.get(pk=kept.pk).prospect_id is not None


@pytest.mark.django_db
def test_deleting_prospects_costs_the_same_statements_however_many_there_are():
    from django.test.utils import CaptureQueriesContext

    from prospects.models import Prospect

    def delete_with_events(count: int) -> int:
        prospects = [ProspectFactory() for _ in range(count)]
        events = [_event(prospect) for prospect in prospects]
        with CaptureQueriesContext(connection) as captured:
            Prospect.objects.filter(pk__in=[p.pk for p in prospects]).delete()
        assert (
            ConsentEvent.objects.filter(
                pk__in=[e.pk for e in events], prospect__isnull=True
            ).count()
            == count
        )
        return len(captured)

    assert delete_with_events(2) == delete_with_events(20)
