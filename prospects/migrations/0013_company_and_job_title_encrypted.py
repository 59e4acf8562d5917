"""``company`` and ``job_title`` are encrypted like the other personal values.

Existing values are sealed in place (``socialcrm.lib.sealing``), and each company's
search tokens computed (``prospects.rules.company_tokens``): the list's search finds
a company by the first letters of its words, through keyed hashes only. Reversible
while the keys that sealed the values are configured: the reverse writes the plain
values back.
"""

import socialcrm.lib.fields
from django.db import migrations, models

FIELDS = ("company", "job_title")


def seal(apps, schema_editor):
    from prospects.rules import company_tokens
    from socialcrm.lib import sealing

    sealing.seal_columns(
        apps,
        schema_editor,
        model="prospects.Prospect",
        fields=FIELDS,
        derived={"company_tokens": lambda plain: company_tokens(plain["company"])},
    )


def unseal(apps, schema_editor):
    from socialcrm.lib import sealing

    sealing.open_columns(apps, schema_editor, model="prospects.Prospect", fields=FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0012_notes_flagged"),
    ]

    operations = [
        migrations.AddField(
            model_name="prospect",
            name="company_tokens",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AlterField(
            model_name="prospect",
            name="company",
            field=socialcrm.lib.fields.EncryptedTextField(
                blank=True, default="", max_length=200, verbose_name="company"
            ),
        ),
        migrations.AlterField(
            model_name="prospect",
            name="job_title",
            field=socialcrm.lib.fields.EncryptedTextField(
                blank=True, default="", max_length=200, verbose_name="job title"
            ),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
