"""An attestation's statement and signed-document reference are personal data: sealed at
rest, read back through the model, and sealed in place by offboarding 0002-0003."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from offboarding.models import Attestation
from tests.factories import EmployeeFactory

STATEMENT = "I removed Ysolde Quenthorpe from my phone"
DOCUMENT = "Paper form signed by Barnaby Wuthercombe"
BEFORE = [("offboarding", "0001_offboarding_case_steps")]


def _raw(pk) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, signed_document FROM offboarding_attestation WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_a_new_attestation_is_sealed_and_reads_back(open_case):
    attestation = Attestation.objects.create(
        offboarding=open_case, statement=STATEMENT, signed_document=DOCUMENT
    )

    for column in _raw(attestation.pk):
        assert "Quenthorpe" not in column and "Wuthercombe" not in column
    again = Attestation.objects.get(pk=attestation.pk)
    assert (again.statement, again.signed_document) == (STATEMENT, DOCUMENT)


@pytest.mark.django_db(transaction=True)
def test_existing_plain_attestations_are_sealed_and_can_be_migrated_back():
    leaver, successor = EmployeeFactory(role="rep"), EmployeeFactory(role="rep")
    _migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    case = old.get_model("offboarding", "Offboarding").objects.create(
        employee_id=leaver.pk,
        successor_id=successor.pk,
        departure_date=datetime.date(2026, 11, 30),
    )
    plain = old.get_model("offboarding", "Attestation").objects.create(
        offboarding_id=case.pk, statement=STATEMENT, signed_document=DOCUMENT
    )
    assert _raw(plain.pk) == (STATEMENT, DOCUMENT)

    _migrate(None)
    for column in _raw(plain.pk):
        assert "Quenthorpe" not in column and "Wuthercombe" not in column
    sealed = Attestation.objects.get(pk=plain.pk)
    assert (sealed.statement, sealed.signed_document) == (STATEMENT, DOCUMENT)

    _migrate(BEFORE)
    assert _raw(plain.pk) == (STATEMENT, DOCUMENT)
    _migrate(None)
