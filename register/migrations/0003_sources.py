"""Where each activity's data comes from (art. 14(2)(f)), shown on the public notice page.

The social-selling activity starts with its sources; the DPO edits them from /register/.
An activity whose sources were already written is left as it is.
"""

from django.db import migrations, models

SOURCES = {
    "social-selling": (
        "Public profiles and exchanges on social networks (LinkedIn, X, Facebook, Instagram), "
        "gathered by our employees through their own accounts; details people give us "
        "themselves.",
        "Profils publics et échanges sur les réseaux sociaux (LinkedIn, X, Facebook, Instagram), "
        "recueillis par nos collaborateurs depuis leurs propres comptes ; coordonnées que les "
        "personnes nous donnent elles-mêmes.",
    ),
}


def fill_sources(apps, schema_editor):
    ProcessingActivity = apps.get_model("register", "ProcessingActivity")
    for slug, (english, french) in SOURCES.items():
        ProcessingActivity.objects.filter(slug=slug, sources_en="", sources_fr="").update(
            sources_en=english, sources_fr=french
        )


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0002_seed_activities"),
    ]

    operations = [
        migrations.AddField(
            model_name="processingactivity",
            name="sources_en",
            field=models.TextField(
                blank=True, default="", verbose_name="sources of the data (English)"
            ),
        ),
        migrations.AddField(
            model_name="processingactivity",
            name="sources_fr",
            field=models.TextField(
                blank=True, default="", verbose_name="sources of the data (French)"
            ),
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop),
    ]
