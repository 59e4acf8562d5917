"""A prospect's consent events go with it by the database's own ``ON DELETE CASCADE``.

Before, the ORM deleted them and a signal pair opened the append-only trigger around
each prospect's deletion: two statements per prospect, and Django reading every
prospect one by one. Now the foreign key cascades, and the trigger lets a delete
through when it comes from a cascade (``pg_trigger_depth() > 1``: run by the
foreign key's own trigger) or inside an erasure (``socialcrm.erasure = on``).

PostgreSQL only; the ORM cascades elsewhere (``consent.models.cascade_in_database``).
A later ``AlterField`` of ``ConsentEvent.prospect`` that recreates the constraint must
keep ``ON DELETE CASCADE``.
"""

from django.db import migrations, models

import consent.models

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

TRIGGER_BEFORE = TRIGGER.replace(
    "(TG_OP = 'DELETE' AND pg_trigger_depth() > 1)", "(TG_OP = 'DELETE' AND mode = 'prospect')"
)


def _foreign_key(schema_editor, on_delete: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIND_CONSTRAINT)
        (name,) = cursor.fetchone()
    schema_editor.execute(
        f'ALTER TABLE consent_consentevent DROP CONSTRAINT "{name}", '
        f'ADD CONSTRAINT "{name}" FOREIGN KEY (prospect_id) '
        f"REFERENCES prospects_prospect (id) {on_delete} DEFERRABLE INITIALLY DEFERRED"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _foreign_key(schema_editor, "ON DELETE CASCADE")
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _foreign_key(schema_editor, "")
        schema_editor.execute(TRIGGER_BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0005_consent_events_append_only_trigger"),
        ("prospects", "0007_leaner_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consentevent",
            name="prospect",
            field=models.ForeignKey(
                on_delete=consent.models.cascade_in_database,
                related_name="consent_events",
                to="prospects.prospect",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
