"""webhooks 0002 and 0003: the rows written before keep their secrets' keys and lose their codes."""

import base64
import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("webhooks", "0001_initial")]
OLD_SECRET = "a-secret-from-the-hmac-days"
SECRET_FORM = "whsec_" + base64.b64encode(b"already-in-the-standard-form!!").decode()


@pytest.mark.django_db(transaction=True)
def test_old_secrets_keep_their_key_and_old_deliveries_keep_only_the_class():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Subscription = old.get_model("webhooks", "WebhookSubscription")
    Delivery = old.get_model("webhooks", "WebhookDelivery")
    subscription = Subscription.objects.create(
        id=uuid.uuid4(), url="https://crm.example.com/hook", secret=OLD_SECRET, events=[]
    )
    standard = Subscription.objects.create(
        id=uuid.uuid4(), url="https://crm.example.com/hook", secret=SECRET_FORM, events=[]
    )
    logged = {
        (503, "HTTP 503"): "5xx",
        (302, "HTTP 302"): "3xx",
        (None, "URLError: [Errno 111] Connection refused"): "connection_error",
        (None, "TimeoutError"): "connection_error",
        (None, "subscription inactive"): "subscription_inactive",
        (None, ""): "",
    }
    ids = {}
    for code, error in logged:
        ids[(code, error)] = Delivery.objects.create(
            id=uuid.uuid4(),
            subscription=subscription,
            event="dsar.completed",
            event_id=uuid.uuid4(),
            payload={},
            last_status_code=code,
            last_error=error,
            next_attempt_at=timezone.now() - datetime.timedelta(minutes=1),
        ).pk

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from webhooks.models import WebhookDelivery, WebhookSubscription

    assert (
        WebhookSubscription.objects.get(pk=subscription.pk).secret
        == "whsec_" + base64.b64encode(OLD_SECRET.encode()).decode()
    )
    assert WebhookSubscription.objects.get(pk=standard.pk).secret == SECRET_FORM
    for old_values, outcome in logged.items():
        assert WebhookDelivery.objects.get(pk=ids[old_values]).last_outcome == outcome
