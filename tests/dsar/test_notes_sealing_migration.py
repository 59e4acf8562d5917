"""dsar 0003: a request's verification note and its extension and rejection reasons,
stored in clear before, are sealed in place, read back by the model, and returned in
clear when migrated back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("dsar", "0002_identifier_verification_and_match_review")]
NOTE = "Checked the passport of Ysolde Quenthorpe at the Harrowgate desk"
EXTENSION = "Ysolde Quenthorpe's records span three archives"
REJECTION = "The requester is not Ysolde Quenthorpe"


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _stored(pk) -> tuple:
    from dsar.models import DataSubjectRequest

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT verification_note, extension_reason, rejection_reason "
            "FROM dsar_datasubjectrequest WHERE id = %s",
            [DataSubjectRequest._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_the_dpos_notes_are_sealed_readable_and_can_be_migrated_back():
    _migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    now = timezone.now()
    request = old.get_model("dsar", "DataSubjectRequest").objects.create(
        type="access",
        received_via="email",
        received_at=now,
        due_at=now,
        email_index="0" * 64,
        verification_note=NOTE,
        extension_reason=EXTENSION,
        rejection_reason=REJECTION,
    )

    _migrate(None)

    from dsar.models import DataSubjectRequest

    assert not {NOTE, EXTENSION, REJECTION} & set(_stored(request.pk))
    assert "Quenthorpe" not in " ".join(_stored(request.pk))
    read = DataSubjectRequest.objects.get(pk=request.pk)
    assert (read.verification_note, read.extension_reason, read.rejection_reason) == (
        NOTE,
        EXTENSION,
        REJECTION,
    )

    _migrate(BEFORE)
    assert _stored(request.pk) == (NOTE, EXTENSION, REJECTION)
    _migrate(None)
