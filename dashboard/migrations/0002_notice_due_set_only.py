"""The overdue-notice index holds only notices that are due and not yet sent.

Rows without a notice date (most imported contacts) never satisfy ``notice_due_at <
…`` and no longer cost an index entry on every write to the table.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_dashboard_indexes"),
        ("prospects", "0007_leaner_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP INDEX IF EXISTS dashboard_prospect_notice_due",
                "CREATE INDEX dashboard_prospect_notice_due ON prospects_prospect (notice_due_at) "
                "WHERE notice_sent_at IS NULL AND notice_due_at IS NOT NULL",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS dashboard_prospect_notice_due",
                "CREATE INDEX dashboard_prospect_notice_due ON prospects_prospect (notice_due_at) "
                "WHERE notice_sent_at IS NULL",
            ],
        ),
    ]
