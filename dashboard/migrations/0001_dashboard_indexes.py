"""Indexes the DPO dashboard reads through, on tables other apps own.

Raw ``CREATE INDEX IF NOT EXISTS`` (valid on PostgreSQL and SQLite) because the
tables belong to ``prospects`` and ``consent``: their models stay as they are,
and rerunning is harmless. Checked with EXPLAIN at 1,000,000 prospects
(``bench/dashboard.py``):

- owner × provenance × network × lawful basis is grouped in one parallel index-only
  scan instead of reading the wide, encrypted rows (or scanning once per figure);
- overdue art. 14 notices and expiring retention are two small index ranges
  (a partial index: sent notices are the vast majority and never read here);
- the last 30 days of outreach are counted from the index alone (decision included:
  an index-only range instead of a bitmap heap scan, 400 → 45 ms), and the denials'
  reasons are fetched through the same range.
"""

from django.db import migrations

INDEXES = [
    (
        "dashboard_prospect_owner_mix",
        "prospects_prospect (owner_id, provenance, network, lawful_basis)",
        "",
    ),
    (
        "dashboard_prospect_notice_due",
        "prospects_prospect (notice_due_at)",
        "WHERE notice_sent_at IS NULL",
    ),
    (
        "dashboard_prospect_retention",
        "prospects_prospect (retention_until)",
        "",
    ),
    (
        "dashboard_outreach_recent_decision",
        "consent_outreachattempt (created_at, decision)",
        "",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0005_prospect_recent"),
        ("consent", "0004_gate_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target} {condition}".strip(),
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target, condition in INDEXES
    ]
