"""The search-token GIN indexes take new entries into a larger pending list (PostgreSQL).

A prospect that changes owner (offboarding's transfer, a manager's reassignment) gets a
new row version, and every index a new entry: for the GIN indexes, one per token, some
thirty per prospect. Inserted one by one, those made moving 100k prospects take 17 s
instead of under 3 without the indexes. With a 64 MB pending list the entries are
appended and sorted in later by autovacuum: the same move takes under 4 s, and the
search reads the (short-lived) pending list along with the index. The import, which
writes every token, gains the same way.
"""

from django.db import migrations

INDEXES = ("prospect_name_tokens", "prospect_company_tokens")
PENDING_LIST_KB = 65536


def _pending_list(size_kb):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in INDEXES:
            if size_kb is None:
                schema_editor.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")
            else:
                schema_editor.execute(
                    f"ALTER INDEX {name} SET (gin_pending_list_limit = {size_kb})"
                )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0020_notice_delivery"),
    ]

    operations = [
        migrations.RunPython(_pending_list(PENDING_LIST_KB), _pending_list(None)),
    ]
