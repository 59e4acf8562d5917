"""The suppression list, taken over from consent with its table (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    """The model's content type (and so its permissions) follows it to this app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="suppression", model="opposition").exists():
        ContentType.objects.filter(app_label="consent", model="opposition").update(
            app_label="suppression"
        )


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="suppression", model="opposition").update(
        app_label="consent"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('consent', '0012_outreach_attempt_mail'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    # The table exists since consent 0001 (consent_opposition): this app takes it over as
    # it is, rows included; only Django's idea of which app owns the model changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Opposition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identifier_type', models.CharField(choices=[('email', 'E-mail'), ('phone', 'Phone'), ('profile_url', 'Profile URL')], max_length=16)),
                ('identifier_index', models.CharField(max_length=64)),
                ('scope', models.CharField(choices=[('all', 'All channels'), ('email', 'E-mail'), ('sms', 'SMS'), ('phone', 'Phone call'), ('social_message', 'Social network message'), ('connection_request', 'Connection request')], default='all', max_length=32)),
                ('source', models.CharField(choices=[('prospect_request', 'The person asked'), ('dsar', 'Data-subject request'), ('opposition_list', 'Opposition list (Bloctel-style)'), ('complaint', 'Complaint')], max_length=32)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'consent_opposition',
                'indexes': [models.Index(fields=['identifier_index', 'identifier_type'], name='opposition_lookup')],
                'constraints': [models.UniqueConstraint(fields=('identifier_type', 'identifier_index', 'scope'), name='opposition_unique')],
            },
        ),
            ],
        ),
        migrations.RunPython(content_type_follows, content_type_back),
    ]
