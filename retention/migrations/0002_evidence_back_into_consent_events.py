"""The archive of purged prospects' consent events goes back into the consent registry.

Since consent 0009 a removed prospect's consent events stay in ``consent_consentevent``
(``prospect`` NULL, ``prospect_ref`` the record's id) until the evidence period ends,
whatever removed it. Each archived event becomes such an event again, with the same id
and values (its free-text proof was never archived: it stays empty), and each purged
record a ``consent.RemovedRecord`` dated from its archiving, so the evidence period
ends when it would have. Then the archive table goes.
"""

from django.db import migrations


def archive_into_consent_events(apps, schema_editor):
    archived = apps.get_model("retention", "ArchivedConsentEvent")
    event = apps.get_model("consent", "ConsentEvent")
    removed = apps.get_model("consent", "RemovedRecord")
    records: dict = {}
    for row in archived.objects.order_by("archived_at").iterator():
        # The wording is read (decrypted for this table) and written again, sealed for its new row.
        event.objects.bulk_create(
            [
                event(
                    id=row.id,
                    prospect=None,
                    prospect_ref=row.prospect_ref,
                    channel=row.channel,
                    action=row.action,
                    purpose=row.purpose,
                    evidence=row.evidence,
                    proof="",
                    wording_shown=row.wording_shown,
                    captured_by_id=row.captured_by_id,
                    occurred_at=row.occurred_at,
                )
            ],
            ignore_conflicts=True,
        )
        # recorded_at is auto_now_add: put the original date back (an insert-time value).
        records.setdefault(row.prospect_ref, row.archived_at)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('socialcrm.erasure', 'on', true)")
    for row in archived.objects.only("id", "recorded_at").iterator():
        event.objects.filter(pk=row.id).update(recorded_at=row.recorded_at)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('socialcrm.erasure', '', true)")
    removed.objects.bulk_create(
        [
            removed(prospect_ref=ref, reason="retention", removed_at=archived_at)
            for ref, archived_at in records.items()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0009_consent_evidence_outlives_its_record"),
        ("retention", "0001_repermission_archive_cursor"),
    ]

    operations = [
        migrations.RunPython(
            archive_into_consent_events, migrations.RunPython.noop, elidable=False
        ),
        migrations.DeleteModel(
            name="ArchivedConsentEvent",
        ),
    ]
