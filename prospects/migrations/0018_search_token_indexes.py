"""The list's search reads the name and company tokens through GIN indexes (PostgreSQL).

``prospects.selectors._HoldsTokens`` asks ``string_to_array(tokens, ' ') @> ARRAY[…]``:
each index holds every row's tokens, so finding who holds "mor" at 1M prospects is an
index probe, not a read of every row. SQLite matches with LIKE and keeps no index.
"""

from django.db import migrations

INDEXES = {
    "prospect_name_tokens": "name_tokens",
    "prospect_company_tokens": "company_tokens",
}


def _indexes(create: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, column in INDEXES.items():
            if create:
                schema_editor.execute(
                    f"CREATE INDEX {name} ON prospects_prospect "
                    f"USING gin (string_to_array({column}, ' '))"
                )
            else:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0017_saved_filters"),
    ]

    operations = [
        migrations.RunPython(_indexes(True), _indexes(False)),
    ]
