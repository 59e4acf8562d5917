"""Webhook subscriptions, the events other systems hear about, and their delivery.

``emit`` is called by the services where things happen, inside their transaction:
one delivery row per listening subscription, each sent by a Celery task enqueued
through the outbox, so a rolled-back change sends nothing and a broker outage at
commit time loses nothing.

Every delivery goes to an address checked just before it is sent (``webhooks.addresses``)
and is signed per Standard Webhooks; its log keeps the class of the answer alone.
"""

import base64
import binascii
import datetime
import http.client
import json
import logging
import socket
import ssl
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from audit import events as audit
from outbox import services as outbox
from people.selectors import employee_of
from webhooks import addresses
from webhooks.models import (
    PING,
    DeliveryOutcome,
    DeliveryStatus,
    Event,
    WebhookDelivery,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.tasks.deliver_webhook"
SECRET_MIN_LENGTH = 16
SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
# Well under the broker's visibility timeout, so a waiting retry is never handed out twice.
BACKOFF_MAX_SECONDS = 1800
USER_AGENT = "SocialCRM-Webhooks/1"
# Failures no retry would change: the address rules hold, a paused subscription stays paused.
FINAL_FAILURES = (DeliveryOutcome.REFUSED_ADDRESS, DeliveryOutcome.SUBSCRIPTION_INACTIVE)
EDITABLE = ("url", "secret", "events", "include_personal_data", "active")


def max_attempts() -> int:
    return settings.WEBHOOK_MAX_ATTEMPTS


def backoff_seconds(attempt: int) -> int:
    """The wait after failed attempt number ``attempt`` (1, 2, …): doubles each time."""
    base = settings.WEBHOOK_BACKOFF_SECONDS
    return min(base * 2 ** (attempt - 1), BACKOFF_MAX_SECONDS)


def timeout_seconds() -> float:
    return settings.WEBHOOK_TIMEOUT_SECONDS


def stalled_deliveries_requeue(*, now=None, limit: int = 500) -> int:
    """Send again the pending deliveries nobody attempted well after their time.

    A worker killed in the middle of a POST, or a broker down when a retry was
    published, leaves a row pending with no message to move it. The next attempt
    is claimed on the attempt count, so a late original message sends nothing.
    """
    now = now or timezone.now()
    overdue = now - datetime.timedelta(seconds=settings.WEBHOOK_STALLED_AFTER_SECONDS)
    requeued = 0
    with transaction.atomic():
        stalled = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=overdue)
            .order_by("next_attempt_at")[:limit]
        )
        for delivery in stalled:
            outbox.enqueue(
                task_name=DELIVER_TASK,
                kwargs={"delivery_id": str(delivery.pk), "attempt": delivery.attempts + 1},
            )
            WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now)
            requeued += 1
    if requeued:
        logger.warning("webhooks: %s stalled deliveries sent again", requeued)
    return requeued


def _secret_key(secret: str) -> bytes | None:
    """The key a ``whsec_<base64>`` secret holds; None for any other text."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        # Padding may be left out, as the Standard Webhooks libraries allow.
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def secret_standard_form(secret: str) -> str:
    """The secret as the Standard Webhooks libraries take it: ``whsec_`` and its key in base64.

    A secret given in that form is kept; any other text is the key itself, as it was when
    deliveries carried our own HMAC header, so a receiver given ``s`` verifies with
    ``whsec_`` + base64(``s``). Migration 0003 turned the stored secrets into this form.
    """
    if _secret_key(secret) is not None:
        return secret
    return SECRET_PREFIX + base64.b64encode(secret.encode()).decode()


def _secret_errors(secret) -> list[str]:
    if not isinstance(secret, str):
        return [_("At least %(count)d characters.") % {"count": SECRET_MIN_LENGTH}]
    if secret.startswith(SECRET_PREFIX):
        key = _secret_key(secret)
        if key is None:
            return [_("After whsec_, the key in base64.")]
    else:
        key = secret.encode()
    if len(key) < SECRET_MIN_LENGTH:
        return [_("At least %(count)d characters.") % {"count": SECRET_MIN_LENGTH}]
    return []


def _url_errors(url) -> list[str]:
    """Why the URL may not receive webhooks, resolving its host now; [] when it may."""
    try:
        addresses.checked_target(url)
    except addresses.AddressRefused as refused:
        return [refused.reason]
    except (OSError, UnicodeError):
        # The host does not resolve (yet): there is no address to refuse, and every
        # delivery resolves and checks it again before connecting.
        pass
    return []


def _validate(subscription: WebhookSubscription, *, url_changed: bool) -> None:
    errors = {}
    # Resolved only when the URL is new: pausing a subscription needs no lookup.
    url_errors = _url_errors(subscription.url) if url_changed else []
    if url_errors:
        errors["url"] = url_errors
    secret_errors = _secret_errors(subscription.secret)
    if secret_errors:
        errors["secret"] = secret_errors
    events = subscription.events
    if (
        not isinstance(events, list)
        or not events
        or not all(isinstance(name, str) and name in Event.values for name in events)
    ):
        errors["events"] = [
            _("A list of one or more of: %(events)s.") % {"events": ", ".join(Event.values)}
        ]
    if errors:
        raise ValidationError(errors)
    subscription.secret = secret_standard_form(subscription.secret)


def subscription_create(
    *,
    actor,
    url: str,
    secret: str,
    events: list[str],
    include_personal_data: bool = False,
    active: bool = True,
) -> WebhookSubscription:
    subscription = WebhookSubscription(
        url=url,
        secret=secret,
        events=list(dict.fromkeys(events)) if isinstance(events, list) else events,
        include_personal_data=include_personal_data,
        active=active,
        created_by=employee_of(actor),
    )
    # Outside the transaction: resolving the host may take a while.
    _validate(subscription, url_changed=True)
    subscription.full_clean(exclude=["secret", "events"])
    with transaction.atomic():
        subscription.save()
        audit.created(actor=actor, obj=subscription, fields=["url", "events"])
    return subscription


def subscription_update(
    *, actor, subscription: WebhookSubscription, data: dict
) -> WebhookSubscription:
    changed = [field for field in EDITABLE if field in data]
    for field in changed:
        setattr(subscription, field, data[field])
    if "events" in data and isinstance(data["events"], list):
        subscription.events = list(dict.fromkeys(data["events"]))
    # Outside the transaction: resolving the host may take a while.
    _validate(subscription, url_changed="url" in data)
    subscription.full_clean(exclude=["secret", "events"])
    with transaction.atomic():
        subscription.save()
        if changed:
            audit.changed(actor=actor, obj=subscription, fields=changed)
    return subscription


@transaction.atomic
def subscription_delete(*, actor, subscription: WebhookSubscription) -> None:
    audit.deleted(actor=actor, obj=subscription)
    subscription.delete()


def _json_ready(values: dict) -> dict:
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _deliver_later(delivery: WebhookDelivery) -> None:
    outbox.enqueue(task_name=DELIVER_TASK, kwargs={"delivery_id": str(delivery.pk), "attempt": 1})


@transaction.atomic
def emit(
    event: str, payload_ids: dict, personal: Callable[[], dict] | None = None
) -> list[WebhookDelivery]:
    """Queue ``event`` for every active subscription listening to it.

    ``payload_ids`` (ids only) goes to everyone; ``personal()`` only to the
    subscriptions allowed personal data, and is called only when one listens (it may
    decrypt). Sent after the caller's commit.
    """
    if event not in Event.values:
        raise ValueError(f"unknown webhook event {event!r}")
    listening = [
        subscription
        for subscription in WebhookSubscription.objects.filter(active=True).only(
            "id", "events", "include_personal_data"
        )
        if event in subscription.events
    ]
    if not listening:
        return []
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = {
        "event": event,
        "event_id": str(event_id),
        "occurred_at": now.isoformat(),
        "data": _json_ready(payload_ids),
    }
    wants_personal = personal is not None and any(s.include_personal_data for s in listening)
    personal_json = json.dumps(_json_ready(personal())) if wants_personal else None
    deliveries = []
    for subscription in listening:
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            event_id=event_id,
            payload=payload,
            personal=personal_json if subscription.include_personal_data else None,
            next_attempt_at=now,
        )
        _deliver_later(delivery)
        deliveries.append(delivery)
    return deliveries


@transaction.atomic
def ping(*, actor, subscription: WebhookSubscription) -> WebhookDelivery:
    """A test delivery to one subscription, whatever events it listens to."""
    now = timezone.now()
    event_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=PING,
        event_id=event_id,
        payload={
            "event": PING,
            "event_id": str(event_id),
            "occurred_at": now.isoformat(),
            "data": {"subscription_id": str(subscription.pk)},
        },
        next_attempt_at=now,
    )
    audit.record(actor=actor, action="webhook.pinged", obj=subscription)
    _deliver_later(delivery)
    return delivery


def signed_headers(*, secret: str, message_id: str, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt: its id, the time now, the signature."""
    timestamp = int(timezone.now().timestamp())
    signature = Webhook(secret_standard_form(secret)).sign(
        msg_id=message_id,
        timestamp=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC),
        data=body,
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def _connect(target: addresses.Target) -> socket.socket:
    """A connection to the first of the checked addresses that answers."""
    failure: OSError = OSError(f"no address for {target.host}")
    for address in target.addresses:
        try:
            return socket.create_connection((address, target.port), timeout=timeout_seconds())
        except OSError as exc:
            failure = exc
    raise failure


class _CheckedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked addresses; the URL's host still names the request (Host header)."""

    def __init__(self, target: addresses.Target):
        super().__init__(target.host, target.port, timeout=timeout_seconds())
        self.target = target

    def connect(self):
        self.sock = _connect(self.target)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses; SNI and the certificate check use the URL's host."""

    def __init__(self, target: addresses.Target):
        super().__init__(
            target.host,
            target.port,
            timeout=timeout_seconds(),
            context=ssl.create_default_context(),
        )
        self.target = target

    def connect(self):
        self.sock = self._context.wrap_socket(_connect(self.target), server_hostname=self.host)


def _post(delivery: WebhookDelivery) -> DeliveryOutcome:
    """POST the signed payload to the address checked just now; returns the outcome's class.

    Redirects are not followed (a 3xx is a failed attempt) and the answer's body is never
    read: the outcome keeps no more than the status class.
    """
    try:
        target = addresses.checked_target(delivery.subscription.url)
    except addresses.AddressRefused:
        return DeliveryOutcome.REFUSED_ADDRESS
    except (OSError, UnicodeError):
        return DeliveryOutcome.CONNECTION_ERROR
    data = dict(delivery.payload)
    if delivery.personal:
        data["data"] = {**data["data"], **json.loads(delivery.personal)}
    body = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-SocialCRM-Event": delivery.event,
        # The same id on every attempt: receivers deduplicate on it.
        **signed_headers(
            secret=delivery.subscription.secret, message_id=str(delivery.pk), body=body
        ),
    }
    if target.scheme == "https":
        connection = _CheckedHTTPSConnection(target)
    else:
        connection = _CheckedHTTPConnection(target)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return DeliveryOutcome.of_status(connection.getresponse().status)
    except (OSError, http.client.HTTPException, ValueError):
        return DeliveryOutcome.CONNECTION_ERROR
    finally:
        connection.close()


def delivery_attempt(*, delivery_id, attempt: int) -> int | None:
    """Make attempt number ``attempt`` of a delivery; returns the seconds before the next one.

    The attempt is claimed with a conditional UPDATE on the attempt count, so a
    copy of the task (the outbox sends at least once) or a delivered or failed
    row sends nothing. None: nothing more to do.
    """
    # The claim holds the row for the attempt's length: only later is it stalled (the sweep).
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt - 1
    ).update(
        attempts=attempt,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=timeout_seconds() + 60),
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.subscription.active:
        outcome = _post(delivery)
    else:
        outcome = DeliveryOutcome.SUBSCRIPTION_INACTIVE
    now = timezone.now()
    delivery.last_outcome = outcome
    retry_in = None
    if outcome == DeliveryOutcome.ANSWERED_2XX:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif attempt >= max_attempts() or outcome in FINAL_FAILURES:
        delivery.status = DeliveryStatus.FAILED
    else:
        retry_in = backoff_seconds(attempt)
    delivery.next_attempt_at = now + datetime.timedelta(seconds=retry_in) if retry_in else None
    if retry_in is None:
        delivery.personal = None  # the delivery is over: its personal values go
    delivery.save(
        update_fields=[
            "status",
            "last_outcome",
            "next_attempt_at",
            "delivered_at",
            "personal",
        ]
    )
    logger.info(
        "webhook delivery %s attempt %s: %s %s",
        delivery.pk,
        attempt,
        delivery.status,
        outcome,
    )
    return retry_in
