"""``Prospect.created_at`` takes the instant it is given (the import's, a microsecond
apart per row) instead of always the save's: a change of the model only, the column
stays as it is (on SQLite an AlterField would rebuild the table and drop the indexes
other apps made on it with SQL)."""

import django.utils.timezone
from django.db import migrations

import core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0018_search_token_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="prospect",
                    name="created_at",
                    field=core.fields.BoundedDateTimeField(
                        default=django.utils.timezone.now, editable=False
                    ),
                ),
            ],
        ),
    ]
