"""Webhook subscriptions, the events other systems hear about, and their delivery.

``emit`` is called by the services where things happen, inside their transaction:
one delivery row per listening subscription, each sent by a Celery task enqueued
through the outbox, so a rolled-back change sends nothing and a broker outage at
commit time loses nothing.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events as audit
from outbox import services as outbox
from people.selectors import employee_of
from webhooks.models import PING, DeliveryStatus, Event, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.tasks.deliver_webhook"
SCHEMES = ("http", "https")
SECRET_MIN_LENGTH = 16
# Well under the broker's visibility timeout, so a waiting retry is never handed out twice.
BACKOFF_MAX_SECONDS = 1800
USER_AGENT = "SocialCRM-Webhooks/1"
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


def _validate(subscription: WebhookSubscription) -> None:
    errors = {}
    scheme = subscription.url.split(":", 1)[0].lower() if subscription.url else ""
    if scheme not in SCHEMES:
        errors["url"] = [_("Only http and https addresses are accepted.")]
    if not isinstance(subscription.secret, str) or len(subscription.secret) < SECRET_MIN_LENGTH:
        errors["secret"] = [_("At least %(count)d characters.") % {"count": SECRET_MIN_LENGTH}]
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


@transaction.atomic
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
    _validate(subscription)
    subscription.full_clean(exclude=["secret", "events"])
    subscription.save()
    audit.created(actor=actor, obj=subscription, fields=["url", "events"])
    return subscription


@transaction.atomic
def subscription_update(
    *, actor, subscription: WebhookSubscription, data: dict
) -> WebhookSubscription:
    changed = [field for field in EDITABLE if field in data]
    for field in changed:
        setattr(subscription, field, data[field])
    if "events" in data and isinstance(data["events"], list):
        subscription.events = list(dict.fromkeys(data["events"]))
    _validate(subscription)
    subscription.full_clean(exclude=["secret", "events"])
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


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``{timestamp}.{body}`` under the secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET elsewhere: count it as a failed attempt.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed payload; returns the status code (None if no answer) and a short error."""
    data = dict(delivery.payload)
    if delivery.personal:
        data["data"] = {**data["data"], **json.loads(delivery.personal)}
    body = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    url = delivery.subscription.url
    if url.split(":", 1)[0].lower() not in SCHEMES:
        return None, "scheme refused"  # only a row written around the services gets here
    request = urllib.request.Request(  # noqa: S310 (http or https, checked just above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-SocialCRM-Event": delivery.event,
            "X-SocialCRM-Delivery": str(delivery.pk),
            "X-SocialCRM-Timestamp": timestamp,
            "X-SocialCRM-Signature": signature(delivery.subscription.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=timeout_seconds()) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        exc.close()  # the receiver's answer is never read nor kept
        return exc.code, f"HTTP {exc.code}"
    except urllib.error.URLError as exc:
        return None, f"URLError: {exc.reason}"[:200]
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, type(exc).__name__


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
        code, error = _post(delivery)
    else:
        code, error = None, "subscription inactive"
    now = timezone.now()
    delivery.last_status_code, delivery.last_error = code, error
    retry_in = None
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif attempt >= max_attempts() or not delivery.subscription.active:
        delivery.status = DeliveryStatus.FAILED
    else:
        retry_in = backoff_seconds(attempt)
    delivery.next_attempt_at = now + datetime.timedelta(seconds=retry_in) if retry_in else None
    if retry_in is None:
        delivery.personal = None  # the delivery is over: its personal values go
    delivery.save(
        update_fields=[
            "status",
            "last_status_code",
            "last_error",
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
        code or error,
    )
    return retry_in
