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
def test_deleting_a_prospect_still_takes_its_events_and_nothing_else():
    prospect = ProspectFactory()
    _event(prospect)
    kept = _event(ProspectFactory())
    with transaction.atomic():
        prospect.delete()
        # The cascade's permission is over once the prospect is gone.
        with pytest.raises(IntegrityError), transaction.atomic():
            _raw("DELETE FROM consent_consentevent WHERE id = %s", [kept.pk])
    assert list(ConsentEvent.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_deleting_prospects_costs_the_same_statements_however_many_there_are():
    from django.test.utils import CaptureQueriesContext

    from prospects.models import Prospect

    def delete_with_events(count: int) -> int:
        prospects = [ProspectFactory() for _ in range(count)]
        for prospect in prospects:
            _event(prospect)
        with CaptureQueriesContext(connection) as captured:
            Prospect.objects.filter(pk__in=[p.pk for p in prospects]).delete()
        assert not ConsentEvent.objects.filter(prospect__in=prospects).exists()
        return len(captured)

    assert delete_with_events(2) == delete_with_events(20)
