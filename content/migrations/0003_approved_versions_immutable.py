"""An approved content version never changes, in the database too.

A row trigger refuses UPDATE of a version whose ``approved_at`` is set, on
PostgreSQL and on SQLite, and DELETE of one on PostgreSQL. SQLite keeps DELETE
to the ORM guard: Django's test flush empties its tables with DELETE.
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION content_version_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'an approved content version cannot be changed (' || TG_OP || ' refused)',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS content_version_immutable ON content_contentversion;
CREATE TRIGGER content_version_immutable
    BEFORE UPDATE OR DELETE ON content_contentversion
    FOR EACH ROW WHEN (OLD.approved_at IS NOT NULL)
    EXECUTE FUNCTION content_version_immutable();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS content_version_immutable ON content_contentversion;
DROP FUNCTION IF EXISTS content_version_immutable();
"""

SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS content_version_immutable
    BEFORE UPDATE ON content_contentversion
    FOR EACH ROW WHEN OLD.approved_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an approved content version cannot be changed (UPDATE refused)');
END;
"""

SQLITE_DROP = "DROP TRIGGER IF EXISTS content_version_immutable;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("content", "0002_approval_override_reason")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
