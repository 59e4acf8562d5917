"""A deal's ``notes`` are encrypted like the prospect's, bound to the deal's ``seal_key``.

Existing notes are sealed in place (``core.sealing``). Reversible while the
keys that sealed them are configured: the reverse writes the plain notes back.
"""

import uuid

import core.fields
from django.db import migrations, models


def seal(apps, schema_editor):
    from core import sealing

    sealing.seal_columns(apps, schema_editor, model="deals.Deal", fields=["notes"])


def unseal(apps, schema_editor):
    from core import sealing

    sealing.open_columns(apps, schema_editor, model="deals.Deal", fields=["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0004_deal_seal_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deal",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="deal",
            name="notes",
            field=core.fields.EncryptedTextField(
                blank=True, default="", row_key="seal_key", verbose_name="notes"
            ),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
