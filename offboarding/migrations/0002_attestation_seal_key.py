"""Each attestation gets ``seal_key``, a client-generated id its encrypted values are bound to.

An attestation's primary key comes from a sequence, unknown before the insert. Filled
here one distinct id per existing row, then made unique and required in 0003 (as for
deals: PostgreSQL does not alter a table with updates pending in the same transaction).
"""

import uuid

from django.db import migrations, models

BATCH = 2000


def fill_seal_keys(apps, schema_editor):
    Attestation = apps.get_model("offboarding", "Attestation")
    pks = list(Attestation.objects.filter(seal_key__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = [Attestation(pk=pk, seal_key=uuid.uuid4()) for pk in pks[start : start + BATCH]]
        Attestation.objects.bulk_update(rows, ["seal_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("offboarding", "0001_offboarding_case_steps"),
    ]

    operations = [
        migrations.AddField(
            model_name="attestation",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_seal_keys, migrations.RunPython.noop, elidable=False),
    ]
