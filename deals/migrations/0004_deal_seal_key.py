"""Each deal gets ``seal_key``, a client-generated id its encrypted values are bound to.

A deal's primary key comes from a database sequence, unknown before the insert; the
associated data of an encrypted value names its row before it is written. Filled
here one distinct id per existing deal, then made unique and required in 0005
(a separate migration: PostgreSQL does not alter a table with updates pending in the
same transaction).
"""

import uuid

from django.db import migrations, models

BATCH = 2000


def fill_seal_keys(apps, schema_editor):
    Deal = apps.get_model("deals", "Deal")
    pks = list(Deal.objects.filter(seal_key__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        deals = [Deal(pk=pk, seal_key=uuid.uuid4()) for pk in pks[start : start + BATCH]]
        Deal.objects.bulk_update(deals, ["seal_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0003_deal_dates_validated"),
    ]

    operations = [
        migrations.AddField(
            model_name="deal",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_seal_keys, migrations.RunPython.noop, elidable=False),
    ]
