"""RULES 25: ``notes_flagged`` marks notes that hold words of a special category of data.

Notes written before the field existed are checked once here, so the DPO's count
starts right. Only non-empty notes are opened: a sealed empty value is the AES-GCM
tag alone, a last token part of 22 base64url characters (``core.crypto``);
any text makes it longer. Imported contacts, most of the table, have empty notes.
"""

from django.db import migrations, models

BATCH = 2000
# A sealed value whose ciphertext part holds more than the 16-byte tag: the notes say something.
NOT_EMPTY = r"\$[^$]{23,}$"


def flag_existing_notes(apps, schema_editor):
    from core.wording import special_categories

    Prospect = apps.get_model("prospects", "Prospect")
    written = Prospect.objects.filter(notes__regex=NOT_EMPTY).only("pk", "notes").order_by("pk")
    flagged = [p.pk for p in written.iterator(chunk_size=BATCH) if special_categories(p.notes)]
    for start in range(0, len(flagged), BATCH):
        Prospect.objects.filter(pk__in=flagged[start : start + BATCH]).update(notes_flagged=True)


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0011_rules_2026_12_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="prospect",
            name="notes_flagged",
            field=models.BooleanField(
                db_default=False,
                default=False,
                verbose_name="notes may hold special categories of data",
            ),
        ),
        migrations.RunPython(flag_existing_notes, migrations.RunPython.noop, elidable=True),
    ]
