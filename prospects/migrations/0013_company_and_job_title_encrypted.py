"""``company`` and ``job_title`` are encrypted like the other personal values.

Existing values are sealed in place (``core.sealing``), and each company's
search tokens computed (``prospects.rules.company_tokens``): the list's search finds
a company by the first letters of its words, through keyed hashes only. Reversible
while the keys that sealed the values are configured: the reverse writes the plain
values back.

The columns change through SQL of their own: on SQLite, Django's AddField and
AlterField rebuild the table, which drops the indexes other apps made on it with
SQL (dashboard 0001-0003). SQLite keeps its varchar(200) columns (it enforces no
length); PostgreSQL gets exactly what the AlterField would do.
"""

import core.fields
from django.db import migrations, models

FIELDS = ("company", "job_title")

FORWARDS = {
    "postgresql": [
        "ALTER TABLE prospects_prospect ADD COLUMN company_tokens text DEFAULT '' NOT NULL",
        "ALTER TABLE prospects_prospect ALTER COLUMN company_tokens DROP DEFAULT",
        "ALTER TABLE prospects_prospect ALTER COLUMN company TYPE text, "
        "ALTER COLUMN job_title TYPE text",
    ],
    "sqlite": [
        "ALTER TABLE prospects_prospect ADD COLUMN company_tokens text DEFAULT '' NOT NULL",
    ],
}
BACKWARDS = {
    "postgresql": [
        "ALTER TABLE prospects_prospect DROP COLUMN company_tokens",
        "ALTER TABLE prospects_prospect ALTER COLUMN company TYPE varchar(200), "
        "ALTER COLUMN job_title TYPE varchar(200)",
    ],
    "sqlite": ["ALTER TABLE prospects_prospect DROP COLUMN company_tokens"],
}


def _schema(statements):
    def run(apps, schema_editor):
        for statement in statements[schema_editor.connection.vendor]:
            schema_editor.execute(statement)

    return run


def seal(apps, schema_editor):
    from prospects.rules import company_tokens
    from core import sealing

    sealing.seal_columns(
        apps,
        schema_editor,
        model="prospects.Prospect",
        fields=FIELDS,
        derived={"company_tokens": lambda plain: company_tokens(plain["company"])},
    )


def unseal(apps, schema_editor):
    from core import sealing

    sealing.open_columns(apps, schema_editor, model="prospects.Prospect", fields=FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0012_notes_flagged"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(_schema(FORWARDS), _schema(BACKWARDS), elidable=False)
            ],
            state_operations=[
                migrations.AddField(
                    model_name="prospect",
                    name="company_tokens",
                    field=models.TextField(blank=True, default="", editable=False),
                ),
                migrations.AlterField(
                    model_name="prospect",
                    name="company",
                    field=core.fields.EncryptedTextField(
                        blank=True, default="", max_length=200, verbose_name="company"
                    ),
                ),
                migrations.AlterField(
                    model_name="prospect",
                    name="job_title",
                    field=core.fields.EncryptedTextField(
                        blank=True, default="", max_length=200, verbose_name="job title"
                    ),
                ),
            ],
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
