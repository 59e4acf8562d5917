"""Subscription secrets in the Standard Webhooks form, ``whsec_`` and the key in base64.

A secret ``s`` that signed our own HMAC header becomes ``whsec_`` + base64(``s``): the key
stays the same bytes, so the receiver that knows ``s`` verifies with that string. A secret
already in the form is kept.
"""

import base64
import binascii

from django.db import migrations

PREFIX = "whsec_"


def _standard_form(secret: str) -> str:
    # The same rule as webhooks.services.secret_standard_form, frozen for this migration.
    if secret.startswith(PREFIX):
        encoded = secret[len(PREFIX) :]
        try:
            base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            pass
        else:
            return secret
    return PREFIX + base64.b64encode(secret.encode()).decode()


def secrets_to_standard_form(apps, schema_editor):
    WebhookSubscription = apps.get_model("webhooks", "WebhookSubscription")
    for subscription in WebhookSubscription.objects.only("id", "secret").iterator():
        standard = _standard_form(subscription.secret)
        if standard != subscription.secret:
            subscription.secret = standard
            subscription.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_delivery_log_keeps_the_status_class"),
    ]

    operations = [
        migrations.RunPython(secrets_to_standard_form, migrations.RunPython.noop, elidable=False),
    ]
