"""Deliveries are signed per Standard Webhooks: a receiver verifies them with its library.

A real receiver on loopback (private hosts allowed, as for a local receiver); the deliveries
are sent after the commit, by a real worker on PostgreSQL with Redis, in-process otherwise.
"""

import base64
import json
import time

import pytest
from django.db import transaction
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.webhooks.conftest import SECRET, subscribe
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import emit

pytestmark = pytest.mark.usefixtures("deliveries_sent", "private_hosts_allowed")


def wait_until_delivered(subscription, *, timeout: float = 30.0) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = WebhookDelivery.objects.filter(subscription=subscription).first()
        if delivery is not None and delivery.status == "delivered":
            return delivery
        time.sleep(0.1)
    raise AssertionError("the delivery did not arrive")


def emit_committed(event: str, data: dict) -> None:
    with transaction.atomic():
        emit(event, data)


def test_the_receiver_verifies_a_delivery_with_the_standard_webhooks_library(receiver):
    subscription = subscribe(receiver.url(), ["dsar.completed"])

    emit_committed("dsar.completed", {"dsar_id": "d-42"})

    (request,) = receiver.received()
    delivery = wait_until_delivered(subscription)
    headers, body = dict(request["headers"]), request["body"]
    payload = Webhook(SECRET).verify(body, headers)
    assert payload["data"] == {"dsar_id": "d-42"}
    assert payload["event"] == "dsar.completed"
    # The message id is the delivery's, the same on every retry: receivers deduplicate on it.
    assert request["headers"]["webhook-id"] == str(delivery.pk)
    assert request["headers"]["webhook-signature"].startswith("v1,")
    # Our own HMAC headers are gone: one way to sign, the standard's.
    assert "X-SocialCRM-Signature" not in request["headers"]
    assert "X-SocialCRM-Timestamp" not in request["headers"]


def test_a_receiver_with_another_secret_or_a_changed_body_refuses_the_delivery(receiver):
    subscribe(receiver.url(), ["dsar.completed"])

    emit_committed("dsar.completed", {"dsar_id": "d-43"})

    (request,) = receiver.received()
    headers, body = dict(request["headers"]), request["body"]
    other_secret = "whsec_" + base64.b64encode(b"someone-else-entirely-0123456789").decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other_secret).verify(body, headers)
    changed = json.dumps({**json.loads(body), "data": {"dsar_id": "d-44"}}).encode()
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(changed, headers)


def test_a_plain_text_secret_given_through_the_api_verifies_in_its_whsec_form(
    receiver, api_as, dpo
):
    plain = "our-shared-secret-from-before"
    created = api_as(dpo).post(
        "/api/webhooks/",
        {"url": receiver.url(), "secret": plain, "events": ["consent.changed"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    subscription = WebhookSubscription.objects.get(pk=created.json()["id"])

    emit_committed("consent.changed", {"consent_id": "c-1"})

    (request,) = receiver.received()
    wait_until_delivered(subscription)
    receivers_secret = "whsec_" + base64.b64encode(plain.encode()).decode()
    payload = Webhook(receivers_secret).verify(request["body"], dict(request["headers"]))
    assert payload["data"] == {"consent_id": "c-1"}
