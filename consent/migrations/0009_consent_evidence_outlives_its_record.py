"""A prospect's consent events outlive it (RULES 19): ``ON DELETE SET NULL``, not CASCADE.

Before (0006), deleting a prospect deleted its consent events, and with them the
proof of a consent or of an objection. Now the foreign key sets ``prospect_id`` to
NULL; ``prospect_ref`` keeps the record's id (filled here for existing events), and
``RemovedRecord`` the keyed hashes of a removed record's identifiers and the start of
its evidence period.

The append-only trigger is narrowed to match. It lets through:

- anything inside an erasure (``socialcrm.erasure = on``, GDPR art. 17), as before;
- the foreign key's SET NULL, and only that: run by the key's own trigger
  (``pg_trigger_depth() > 1``), the prospect is gone, ``prospect_id`` becomes NULL and
  no other column changes;
- the evidence purge (``socialcrm.erasure = expired``): deleting events whose record
  is gone, and those alone.

A delete no longer cascades, so the cascade's exception of 0006 is gone.
PostgreSQL only; elsewhere the ORM does the SET NULL (``consent.models.detach_in_database``).
A later ``AlterField`` of ``ConsentEvent.prospect`` that recreates the constraint must
keep ``ON DELETE SET NULL``.
"""

import consent.models
import core.dates
from django.db import migrations, models

FIND_CONSTRAINT = """
SELECT conname FROM pg_constraint
WHERE conrelid = 'consent_consentevent'::regclass AND contype = 'f'
  AND confrelid = 'prospects_prospect'::regclass
"""

TRIGGER = """
CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger AS $$
DECLARE
    mode text := coalesce(current_setting('socialcrm.erasure', true), '');
BEGIN
    IF mode = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND mode = 'expired' AND OLD.prospect_id IS NULL THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1
       AND OLD.prospect_id IS NOT NULL AND NEW.prospect_id IS NULL
       AND (to_jsonb(NEW) - 'prospect_id') = (to_jsonb(OLD) - 'prospect_id')
       AND NOT EXISTS (SELECT 1 FROM prospects_prospect WHERE id = OLD.prospect_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

# Migration 0006's function: deletes by the foreign key's cascade, and the erasure.
TRIGGER_BEFORE = """
CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger AS $$
DECLARE
    mode text := coalesce(current_setting('socialcrm.erasure', true), '');
BEGIN
    IF mode = 'on' OR (TG_OP = 'DELETE' AND pg_trigger_depth() > 1) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _foreign_key(schema_editor, on_delete: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIND_CONSTRAINT)
        (name,) = cursor.fetchone()
    schema_editor.execute(
        f'ALTER TABLE consent_consentevent DROP CONSTRAINT "{name}", '
        f'ADD CONSTRAINT "{name}" FOREIGN KEY (prospect_id) '
        f"REFERENCES prospects_prospect (id) {on_delete} DEFERRABLE INITIALLY DEFERRED"
    )


def set_null_in_database(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _foreign_key(schema_editor, "ON DELETE SET NULL")
        schema_editor.execute(TRIGGER)


def cascade_in_database(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _foreign_key(schema_editor, "ON DELETE CASCADE")
        schema_editor.execute(TRIGGER_BEFORE)


def fill_prospect_ref(apps, schema_editor):
    """Existing events name their record's id (an update only this migration may make)."""
    event = apps.get_model("consent", "ConsentEvent")
    if schema_editor.connection.vendor == "postgresql":
        # Transaction-local, like an erasure: it ends with this migration's transaction.
        schema_editor.execute("SELECT set_config('socialcrm.erasure', 'on', true)")
    event.objects.filter(prospect_ref__isnull=True).update(prospect_ref=models.F("prospect_id"))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('socialcrm.erasure', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0008_rules_2026_12_fields"),
        ("prospects", "0011_rules_2026_12_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="RemovedRecord",
            fields=[
                ("prospect_ref", models.UUIDField(primary_key=True, serialize=False)),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("deleted", "Deleted by an employee"),
                            ("retention", "End of retention"),
                            ("offboarding", "Pre-hire network of a departing employee"),
                        ],
                        max_length=16,
                    ),
                ),
                ("email_index", models.CharField(blank=True, default="", max_length=64)),
                ("phone_index", models.CharField(blank=True, default="", max_length=64)),
                ("profile_url_index", models.CharField(blank=True, default="", max_length=64)),
                ("removed_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.AddField(
            model_name="consentevent",
            name="prospect_ref",
            field=models.UUIDField(db_index=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="consentevent",
            name="occurred_at",
            field=models.DateTimeField(validators=[core.dates.in_past]),
        ),
        migrations.AlterField(
            model_name="consentevent",
            name="prospect",
            field=models.ForeignKey(
                null=True,
                on_delete=consent.models.detach_in_database,
                related_name="consent_events",
                to="prospects.prospect",
            ),
        ),
        migrations.RunPython(set_null_in_database, cascade_in_database, elidable=False),
        migrations.RunPython(fill_prospect_ref, migrations.RunPython.noop, elidable=False),
    ]
