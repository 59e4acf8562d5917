"""Deliveries with a real Celery worker, posted to a local receiver."""

import datetime
import json
import time

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from consent.models import ConsentEvent
from core import crypto
from tests.factories import ProspectFactory
from tests.webhooks.conftest import SECRET, subscribe
from webhooks.models import WebhookDelivery

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("private_hosts_allowed")]

OPPOSED = "jane.doe@example.org"


@pytest.fixture(autouse=True)
def _fresh_event_loop():
    # kombu keeps the event loop of the first worker started in this process, stopped with
    # it; a later worker would schedule its delayed tasks (the retries) on that dead loop.
    from kombu.asynchronous import set_event_loop

    set_event_loop(None)


def wait_until_done(delivery: WebhookDelivery, *, timeout: float = 30.0) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status != "pending":
            return delivery
        time.sleep(0.1)
    raise AssertionError(f"delivery still pending after {delivery.attempts} attempts")


def oppose(api_as, rep, value: str = OPPOSED):
    response = api_as(rep).post(
        "/api/oppositions/", {"identifier_type": "email", "value": value}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_opposition_reaches_the_receiver_signed_and_with_ids_only(
    celery_worker, receiver, api_as, rep
):
    subscription = subscribe(receiver.url(), ["opposition.created"])
    prospect = ProspectFactory(
        owner=rep, email=OPPOSED, email_index=crypto.blind_index("email", OPPOSED)
    )

    opposition = oppose(api_as, rep)

    (request,) = receiver.received()
    delivery = wait_until_done(WebhookDelivery.objects.get(subscription=subscription))
    headers, body = request["headers"], request["body"]
    payload = Webhook(SECRET).verify(body, dict(headers))
    assert headers["X-SocialCRM-Event"] == "opposition.created"
    assert headers["webhook-id"] == str(delivery.pk)
    assert set(payload) == {"event", "event_id", "occurred_at", "data"}
    assert payload["event"] == "opposition.created"
    assert payload["event_id"] == str(delivery.event_id)
    assert payload["data"] == {
        "opposition_id": opposition["id"],
        "prospect_ids": [str(prospect.pk)],
    }
    assert OPPOSED.encode() not in body
    assert delivery.status == "delivered"
    assert delivery.attempts == 1
    assert delivery.last_outcome == "2xx"
    assert delivery.delivered_at is not None


def test_a_receiver_failing_once_gets_a_retry_and_the_delivery_ends_delivered(
    celery_worker, receiver, api_as, rep, settings
):
    settings.WEBHOOK_BACKOFF_SECONDS = 1
    receiver.answers = [500]
    subscription = subscribe(receiver.url(), ["opposition.created"])

    oppose(api_as, rep)

    first, second = receiver.received(count=2)
    delivery = wait_until_done(WebhookDelivery.objects.get(subscription=subscription))
    assert delivery.status == "delivered"
    assert delivery.attempts == 2
    assert delivery.last_outcome == "2xx"
    # The same delivery (the same webhook-id), signed afresh for each attempt.
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == str(delivery.pk)
    assert first["body"] == second["body"]
    for request in (first, second):
        Webhook(SECRET).verify(request["body"], dict(request["headers"]))


def test_after_the_last_attempt_the_delivery_fails_without_keeping_the_answer(
    celery_worker, receiver, api_as, rep, settings
):
    settings.WEBHOOK_BACKOFF_SECONDS = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answers = [500, 503, 500]
    subscription = subscribe(receiver.url(), ["opposition.created"])

    oppose(api_as, rep)

    delivery = wait_until_done(WebhookDelivery.objects.get(subscription=subscription))
    assert delivery.status == "failed"
    assert delivery.attempts == 2
    # The class of the answer only: the exact code would make the log a port scanner.
    assert delivery.last_outcome == "5xx"
    assert delivery.next_attempt_at is None
    assert len(receiver.requests) == 2


def test_an_event_nobody_listens_to_sends_nothing(celery_worker, receiver, api_as, rep):
    subscription = subscribe(receiver.url(), ["consent.changed"])
    prospect = ProspectFactory(owner=rep)

    oppose(api_as, rep)
    consent = api_as(rep).post(
        "/api/consents/",
        {
            "prospect": str(prospect.pk),
            "channel": "email",
            "action": "withdraw",
            "evidence": "request",
        },
        format="json",
    )
    assert consent.status_code == 201, consent.content

    (request,) = receiver.received()
    assert request["headers"]["X-SocialCRM-Event"] == "consent.changed"
    Webhook(SECRET).verify(request["body"], dict(request["headers"]))
    assert json.loads(request["body"])["data"] == {
        "consent_id": consent.json()["id"],
        "prospect_id": str(prospect.pk),
        "employee_id": rep.pk,
    }
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["consent.changed"]
    wait_until_done(WebhookDelivery.objects.get(subscription=subscription))
    assert ConsentEvent.objects.filter(prospect=prospect).count() == 1


def test_personal_values_go_only_to_the_subscription_allowed_them(
    celery_worker, receiver, api_as, rep
):
    with_personal = subscribe(
        receiver.url("/personal"), ["opposition.created"], include_personal_data=True
    )
    ids_only = subscribe(receiver.url("/ids"), ["opposition.created"])

    oppose(api_as, rep)

    requests = {
        request["path"]: json.loads(request["body"]) for request in receiver.received(count=2)
    }
    assert requests["/personal"]["data"]["value"] == OPPOSED
    assert requests["/personal"]["data"]["identifier_type"] == "email"
    assert set(requests["/ids"]["data"]) == {"opposition_id", "prospect_ids"}
    assert requests["/ids"]["event_id"] == requests["/personal"]["event_id"]
    for subscription in (with_personal, ids_only):
        delivery = wait_until_done(WebhookDelivery.objects.get(subscription=subscription))
        assert delivery.status == "delivered"
        # The delivery is over: its personal values are gone from the database.
        assert delivery.personal is None
        assert OPPOSED not in json.dumps(delivery.payload)


def test_a_delivery_whose_worker_died_mid_attempt_is_sent_again_by_the_sweep(
    celery_worker, receiver, api_as, rep, settings
):
    from webhooks import services

    subscription = subscribe(receiver.url(), ["opposition.created"])
    oppose(api_as, rep)
    delivery = wait_until_done(WebhookDelivery.objects.get(subscription=subscription))
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    # The same row as a worker killed during its POST leaves it: attempt 1 claimed, no answer
    # recorded, no message left to move it, and its claim long expired.
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="pending", delivered_at=None, last_outcome="", next_attempt_at=long_ago
    )

    assert services.stalled_deliveries_requeue() == 1

    requests = receiver.received(count=2)
    delivery = wait_until_done(delivery)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert requests[1]["headers"]["webhook-id"] == str(delivery.pk)
    # Nothing overdue is left: the sweep does not send it a third time.
    assert services.stalled_deliveries_requeue() == 0
