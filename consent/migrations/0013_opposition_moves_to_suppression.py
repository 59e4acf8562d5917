"""The suppression list leaves consent for the suppression app: state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0012_outreach_attempt_mail'),
        ('suppression', '0001_initial'),
    ]

    # The suppression list moved to its own app; its table, rows, constraint and index
    # stay as they are (suppression.Opposition keeps db_table "consent_opposition").
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Opposition')],
            database_operations=[],
        ),
    ]
