"""Consent events are append-only in the database too, not only through the ORM.

A row trigger refuses UPDATE and DELETE on ``consent_consentevent`` unless the
transaction set ``socialcrm.erasure``:

- ``on``: a data-subject erasure (``consent.models.consent_erasure``) — update or delete;
- ``prospect``: a prospect is being deleted and its events go with it (the foreign
  key's CASCADE, ``consent.models._allow_cascade_from_prospect``) — delete only.

The setting is made with ``set_config(…, true)`` (``SET LOCAL``): it ends with the
transaction. TRUNCATE (test flushes) is not a row operation and is not concerned.
PostgreSQL only; SQLite (development default) relies on the ORM guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION consent_event_append_only() RETURNS trigger AS $$
DECLARE
    mode text := coalesce(current_setting('socialcrm.erasure', true), '');
BEGIN
    IF mode = 'on' OR (TG_OP = 'DELETE' AND mode = 'prospect') THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS consent_event_append_only ON consent_consentevent;
CREATE TRIGGER consent_event_append_only
    BEFORE UPDATE OR DELETE ON consent_consentevent
    FOR EACH ROW EXECUTE FUNCTION consent_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_event_append_only ON consent_consentevent;
DROP FUNCTION IF EXISTS consent_event_append_only();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0004_gate_indexes"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
