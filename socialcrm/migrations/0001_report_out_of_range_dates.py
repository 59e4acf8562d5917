"""Reports the stored dates outside 1970 … today + 10 years when the database is migrated.

From this version on no form, API call or import can store such a date (API.md v2);
rows written before, or from outside the app, are listed here by table, column and row
id (never their values), for an administrator to correct. Nothing is changed: pages
read such a value at the readable limit and log the row. ``manage.py
find_out_of_range_dates`` gives the same list at any time.
"""

import logging

from django.db import migrations

logger = logging.getLogger("socialcrm.migrations")


def report(apps, schema_editor):
    from socialcrm.management.commands.find_out_of_range_dates import out_of_range_rows

    for table, column, count, ids in out_of_range_rows(registry=apps):
        more = f" (+{count - len(ids)} more)" if count > len(ids) else ""
        line = f"out-of-range dates in {table}.{column}: {count} row(s): {', '.join(ids)}{more}"
        logger.warning(line)
        print(f"\n  {line}")  # noqa: T201 - the migrate command's own output


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("charters", "0004_dates_bounded_and_charters_required_by_default"),
        ("consent", "0009_consent_evidence_outlives_its_record"),
        ("content", "0002_approval_override_reason"),
        ("deals", "0003_deal_dates_validated"),
        ("dsar", "0002_identifier_verification_and_match_review"),
        ("imports", "0001_initial"),
        ("offboarding", "0001_offboarding_case_steps"),
        ("onboarding", "0001_onboarding_and_contribution_decisions"),
        ("outbox", "0001_outbox_message"),
        ("people", "0002_employee_dates_bounded"),
        ("prospects", "0012_notes_flagged"),
        ("register", "0002_seed_activities"),
        ("retention", "0002_evidence_back_into_consent_events"),
        ("webhooks", "0001_initial"),
    ]

    operations = [migrations.RunPython(report, migrations.RunPython.noop, elidable=True)]
