"""Partial indexes for two DPO figures of rules 2026.12, on tables other apps own.

- flagged notes (RULES 25): the few prospects whose notes hold special categories
  of data, a branch of the deadlines query's bitmap OR;
- consent grants without proof of wording (RULES 6): only those grants enter the
  index (``dashboard.selectors.EMPTY_SEALED_LIKE``), so the count reads a small
  index instead of every consent event.
"""

from django.db import migrations

EMPTY_SEALED_LIKE = "%$" + "_" * 22

INDEXES = [
    (
        "dashboard_prospect_notes_flagged",
        "prospects_prospect (id)",
        "WHERE notes_flagged",
    ),
    (
        "dashboard_consent_grant_no_wording",
        "consent_consentevent (id)",
        f"WHERE action = 'grant' AND wording_shown LIKE '{EMPTY_SEALED_LIKE}'",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_notice_due_set_only"),
        ("prospects", "0012_notes_flagged"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target} {condition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target, condition in INDEXES
    ]
