"""The list's sorts and its "last contact" column.

``last_outreach_at`` is filled from the outreach already logged: each prospect's latest
attempt the gate allowed (``consent.services.outreach_log`` keeps it from now on). The
indexes serve the list's sorts at 1M rows (``prospects.selectors.LIST_SORTS``); the
last-contact one (never-contacted last) by SQL, PostgreSQL only.
"""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery

import core.fields


def fill_last_outreach(apps, schema_editor):
    alias = schema_editor.connection.alias
    Prospect = apps.get_model("prospects", "Prospect")
    OutreachAttempt = apps.get_model("consent", "OutreachAttempt")
    allowed = OutreachAttempt.objects.using(alias).filter(decision="allow")
    latest = (
        allowed.filter(prospect_id=OuterRef("pk"))
        .order_by()
        .values("prospect_id")
        .annotate(latest=Max("created_at"))
        .values("latest")
    )
    Prospect.objects.using(alias).filter(
        pk__in=allowed.values("prospect_id")
    ).update(last_outreach_at=Subquery(latest))


def _last_outreach_index(create: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        if create:
            schema_editor.execute(
                "CREATE INDEX prospect_last_outreach ON prospects_prospect "
                "(last_outreach_at DESC NULLS LAST, id)"
            )
        else:
            schema_editor.execute("DROP INDEX IF EXISTS prospect_last_outreach")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_employee_dates_bounded"),
        ("consent", "0012_outreach_attempt_mail"),
        ("prospects", "0015_name_prefix_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="prospect",
            name="last_outreach_at",
            field=core.fields.BoundedDateTimeField(
                blank=True, editable=False, null=True, verbose_name="last contact"
            ),
        ),
        migrations.AddIndex(
            model_name="prospect",
            index=models.Index(fields=["collected_at", "id"], name="prospect_collected"),
        ),
        migrations.AddIndex(
            model_name="prospect",
            index=models.Index(fields=["next_follow_up_on", "id"], name="prospect_next_follow_up"),
        ),
        # SQLite cannot index NULLS LAST; its lists are small enough to sort.
        migrations.RunPython(_last_outreach_index(True), _last_outreach_index(False)),
        migrations.RunPython(fill_last_outreach, migrations.RunPython.noop, elidable=True),
    ]
