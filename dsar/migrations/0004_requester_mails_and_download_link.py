import django.db.models.deletion
from django.db import migrations, models

import core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("dsar", "0003_dsar_notes_and_reasons_encrypted"),
        ("mail", "0001_initial"),
    ]

    operations = [
        # Kept as evidence for the requests notified before mails went through the outbox.
        migrations.RenameField(
            model_name="datasubjectrequest",
            old_name="extension_notified_at",
            new_name="legacy_extension_notified_at",
        ),
        migrations.RenameField(
            model_name="datasubjectrequest",
            old_name="completion_notified_at",
            new_name="legacy_completion_notified_at",
        ),
        migrations.AddField(
            model_name="datasubjectrequest",
            name="download_token_index",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AddField(
            model_name="datasubjectrequest",
            name="download_expires_at",
            field=core.fields.BoundedDateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="DsarMail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("verification", "Verification link"),
                            ("extension", "Extension notice"),
                            ("completion", "Completion"),
                            ("rejection", "Rejection"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "created_at",
                    core.fields.BoundedDateTimeField(auto_now_add=True),
                ),
                (
                    "mail",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dsar_link",
                        to="mail.outgoingmail",
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mails",
                        to="dsar.datasubjectrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("request", "purpose"), name="dsar_mail_one_per_purpose"
                    )
                ],
            },
        ),
    ]
