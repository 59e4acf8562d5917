"""A consent event's ``purpose`` is encrypted like its proof and wording.

The rows are append-only (the trigger of migration 0009): sealing them in place is
an update only this migration makes, inside its own transaction, with the erasure
setting that trigger lets through (as migration 0009 filled ``prospect_ref``); the
setting is transaction-local and reset at once. Reversible while the keys that
sealed the values are configured: the reverse writes the plain purposes back.

The column changes by SQL of its own, on PostgreSQL only: on SQLite, Django's
AlterField rebuilds the table, which drops the index dashboard 0003 made on it with
SQL; SQLite keeps its varchar(200) column (it enforces no length).
"""

import core.fields
from django.db import migrations


def _rewriting(schema_editor, function):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute("SELECT set_config('socialcrm.erasure', 'on', true)")
    try:
        function()
    finally:
        if postgresql:
            schema_editor.execute("SELECT set_config('socialcrm.erasure', '', true)")


def _column_type(sql_type):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE consent_consentevent ALTER COLUMN purpose TYPE {sql_type}"
            )

    return run


def seal(apps, schema_editor):
    from core import sealing

    _rewriting(
        schema_editor,
        lambda: sealing.seal_columns(
            apps, schema_editor, model="consent.ConsentEvent", fields=["purpose"]
        ),
    )


def unseal(apps, schema_editor):
    from core import sealing

    _rewriting(
        schema_editor,
        lambda: sealing.open_columns(
            apps, schema_editor, model="consent.ConsentEvent", fields=["purpose"]
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0009_consent_evidence_outlives_its_record"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(
                    _column_type("text"), _column_type("varchar(200)"), elidable=False
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="consentevent",
                    name="purpose",
                    field=core.fields.EncryptedTextField(
                        blank=True, default="", max_length=200
                    ),
                ),
            ],
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
