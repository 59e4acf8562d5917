"""Names are found by the first letters of their words ("mor" finds "Morel").

Each prospect's ``name_tokens`` gains the keyed hashes of its words' beginnings
(``prospects.rules.name_tokens``), computed from the name decrypted through the
model, a batch at a time. The reverse leaves the tokens: whole-word search reads
the words' own tokens, which stay.
"""

from django.db import migrations

BATCH = 2000


def add_prefix_tokens(apps, schema_editor):
    from prospects.rules import name_tokens

    Prospect = apps.get_model("prospects", "Prospect")
    rows = Prospect.objects.using(schema_editor.connection.alias).order_by("pk")
    last = None
    while True:
        batch = rows.filter(pk__gt=last) if last is not None else rows
        batch = list(batch.only("pk", "full_name")[:BATCH])
        if not batch:
            return
        for prospect in batch:
            prospect.name_tokens = name_tokens(prospect.full_name or "")
        Prospect.objects.using(schema_editor.connection.alias).bulk_update(
            batch, ["name_tokens"]
        )
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("prospects", "0014_follow_ups"),
    ]

    operations = [
        migrations.RunPython(add_prefix_tokens, migrations.RunPython.noop, elidable=True),
    ]
