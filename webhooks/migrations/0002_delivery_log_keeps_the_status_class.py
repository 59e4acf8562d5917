"""The delivery log keeps the class of the last outcome, never the exact code nor the error.

The exact status code and the connection error's text told a subscriber which ports answer
where; the rows already written are reduced to their class before those columns go.
"""

from django.db import migrations, models


def _outcome(status_code, error) -> str:
    if status_code is not None and 100 <= status_code <= 599:
        return f"{status_code // 100}xx"
    if error == "subscription inactive":
        return "subscription_inactive"
    if error == "scheme refused":
        return "refused_address"
    return "connection_error" if error else ""


def keep_the_class_only(apps, schema_editor):
    WebhookDelivery = apps.get_model("webhooks", "WebhookDelivery")
    attempted = WebhookDelivery.objects.exclude(last_status_code=None, last_error="")
    for delivery in attempted.only("id", "last_status_code", "last_error").iterator():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            last_outcome=_outcome(delivery.last_status_code, delivery.last_error)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="last_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("1xx", "Informational answer (1xx)"),
                    ("2xx", "Accepted (2xx)"),
                    ("3xx", "Redirect, not followed (3xx)"),
                    ("4xx", "Refused by the receiver (4xx)"),
                    ("5xx", "Receiver error (5xx)"),
                    ("connection_error", "No answer"),
                    ("refused_address", "Address refused"),
                    ("subscription_inactive", "Subscription paused"),
                ],
                max_length=24,
            ),
        ),
        migrations.RunPython(keep_the_class_only, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="webhookdelivery", name="last_error"),
        migrations.RemoveField(model_name="webhookdelivery", name="last_status_code"),
    ]
