"""The prospect tally: PostgreSQL keeps the number of prospects as rows come and go.

Statement-level triggers with transition tables, so a COPY of 1,000 rows or a
cascade deleting thousands updates the tally once. PostgreSQL only: elsewhere the
table stays empty and lists count their rows.
"""

from django.db import migrations, models

SLOTS = 16

TRIGGERS = f"""
CREATE FUNCTION prospects_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO prospects_prospecttally AS tally (slot, rows)
    SELECT mod(pg_backend_pid(), {SLOTS}), count(*) FROM changed HAVING count(*) > 0
    ON CONFLICT (slot) DO UPDATE SET rows = tally.rows + EXCLUDED.rows;
    RETURN NULL;
END $$;

CREATE FUNCTION prospects_tally_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO prospects_prospecttally AS tally (slot, rows)
    SELECT mod(pg_backend_pid(), {SLOTS}), -count(*) FROM changed HAVING count(*) > 0
    ON CONFLICT (slot) DO UPDATE SET rows = tally.rows + EXCLUDED.rows;
    RETURN NULL;
END $$;

CREATE FUNCTION prospects_tally_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM prospects_prospecttally;
    RETURN NULL;
END $$;

CREATE TRIGGER prospects_tally_insert AFTER INSERT ON prospects_prospect
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION prospects_tally_add();

CREATE TRIGGER prospects_tally_delete AFTER DELETE ON prospects_prospect
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION prospects_tally_remove();

CREATE TRIGGER prospects_tally_truncate AFTER TRUNCATE ON prospects_prospect
    FOR EACH STATEMENT EXECUTE FUNCTION prospects_tally_reset();

INSERT INTO prospects_prospecttally (slot, rows) SELECT 0, count(*) FROM prospects_prospect;
"""

DROP = """
DROP TRIGGER prospects_tally_insert ON prospects_prospect;

DROP TRIGGER prospects_tally_delete ON prospects_prospect;

DROP TRIGGER prospects_tally_truncate ON prospects_prospect;

DROP FUNCTION prospects_tally_add(), prospects_tally_remove(), prospects_tally_reset();
"""


def _run(schema_editor, script: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # One statement per call: the driver sends each as one prepared statement.
        for statement in script.split("\n\n"):
            schema_editor.execute(statement.strip())


def forwards(apps, schema_editor):
    _run(schema_editor, TRIGGERS)


def backwards(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0008_social_account_index_for_counting"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProspectTally",
            fields=[
                ("slot", models.SmallIntegerField(primary_key=True, serialize=False)),
                ("rows", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
