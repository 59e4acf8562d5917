"""An attestation's statement and signed-document reference are encrypted, bound to its
``seal_key``. Existing values are sealed in place (``core.sealing``); reversible
while the keys that sealed them are configured."""

import uuid

import core.fields
from django.db import migrations, models

FIELDS = ["statement", "signed_document"]


def seal(apps, schema_editor):
    from core import sealing

    sealing.seal_columns(apps, schema_editor, model="offboarding.Attestation", fields=FIELDS)


def unseal(apps, schema_editor):
    from core import sealing

    sealing.open_columns(apps, schema_editor, model="offboarding.Attestation", fields=FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("offboarding", "0002_attestation_seal_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attestation",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="attestation",
            name="statement",
            field=core.fields.EncryptedTextField(
                row_key="seal_key", verbose_name="statement"
            ),
        ),
        migrations.AlterField(
            model_name="attestation",
            name="signed_document",
            field=core.fields.EncryptedTextField(
                blank=True, default="", row_key="seal_key", verbose_name="signed document"
            ),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
