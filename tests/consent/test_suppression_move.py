"""consent 0013 and suppression 0001: the suppression list changed apps, not tables.

An objection registered before the move is still on the list after it, blocks the same
identifier, and survives migrating back and forward again: no migration step may lose
one (RULES 2). The content type (and so the permissions) follows the model.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core import crypto
from suppression.models import Opposition
from suppression.selectors import opposed_scopes

BEFORE = [("suppression", None)]  # consent 0013 is unapplied with it


def _migrate(targets=None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _insert_opposition(index: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO consent_opposition"
            " (identifier_type, identifier_index, scope, source, created_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            ["email", index, "all", "complaint", timezone.now()],
        )


@pytest.mark.django_db(transaction=True)
def test_an_objection_registered_before_the_move_is_kept_and_still_blocks():
    index = crypto.blind_index("email", "objector@example.com")
    _migrate(BEFORE)
    old = (
        MigrationExecutor(connection)
        .loader.project_state([("consent", "0012_outreach_attempt_mail")])
        .apps
    )
    assert old.get_model("consent", "Opposition")._meta.db_table == "consent_opposition"
    ContentType.objects.get_or_create(app_label="consent", model="opposition")
    _insert_opposition(index)

    _migrate()
    (kept,) = Opposition.objects.filter(identifier_index=index)
    assert (kept.identifier_type, kept.scope, kept.source) == ("email", "all", "complaint")
    assert opposed_scopes({"email": [index]}) == {("email", index): {"all"}}
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Opposition).app_label == "suppression"
    assert not ContentType.objects.filter(app_label="consent", model="opposition").exists()

    # Back and forth again: still there, once.
    _migrate(BEFORE)
    _migrate()
    assert Opposition.objects.filter(identifier_index=index).count() == 1
