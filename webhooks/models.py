"""Outgoing webhooks: who listens to which events, and every delivery made to them.

A delivery's payload holds ids only. Personal values, sent only to subscriptions
allowed them, are kept encrypted beside it and wiped once the delivery ends.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeField, EncryptedTextField
from people.models import Employee


class Event(models.TextChoices):
    OPPOSITION_CREATED = "opposition.created", _("Opposition registered")
    CONSENT_CHANGED = "consent.changed", _("Consent recorded or withdrawn")
    DSAR_COMPLETED = "dsar.completed", _("Data-subject request completed")
    PROSPECT_ERASED = "prospect.erased", _("Prospect erased")
    OFFBOARDING_COMPLETED = "offboarding.completed", _("Offboarding signed off")
    AUDIT_CHECKPOINT = "audit.checkpoint", _("Audit checkpoint written")


# Sent only by the ping endpoint, to one subscription: no one subscribes to it.
PING = "ping"


class WebhookSubscription(models.Model):
    # Client-generated so the secret's encryption can name the row before insert.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedTextField(_("secret"))
    events = models.JSONField(_("events"), default=list)
    include_personal_data = models.BooleanField(_("include personal data"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = BoundedDateTimeField(auto_now_add=True)
    updated_at = BoundedDateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self):
        return f"webhook {self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class DeliveryOutcome(models.TextChoices):
    """What the last attempt came to, and nothing finer.

    The exact status code, the answer's body or how long it took would tell whoever
    subscribes which ports answer where: the log keeps the class alone.
    """

    ANSWERED_1XX = "1xx", _("Informational answer (1xx)")
    ANSWERED_2XX = "2xx", _("Accepted (2xx)")
    ANSWERED_3XX = "3xx", _("Redirect, not followed (3xx)")
    ANSWERED_4XX = "4xx", _("Refused by the receiver (4xx)")
    ANSWERED_5XX = "5xx", _("Receiver error (5xx)")
    CONNECTION_ERROR = "connection_error", _("No answer")
    REFUSED_ADDRESS = "refused_address", _("Address refused")
    SUBSCRIPTION_INACTIVE = "subscription_inactive", _("Subscription paused")

    @classmethod
    def of_status(cls, status: int) -> "DeliveryOutcome":
        if 100 <= status <= 599:
            return cls(f"{status // 100}xx")
        return cls.CONNECTION_ERROR


# The outcomes that are an HTTP answer: the API shows them as ``last_status_code``.
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


class WebhookDelivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.UUIDField()
    payload = models.JSONField()
    # JSON of the personal values for a subscription allowed them; None once the delivery ends.
    personal = EncryptedTextField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_outcome = models.CharField(max_length=24, choices=DeliveryOutcome.choices, blank=True)
    next_attempt_at = BoundedDateTimeField(null=True, blank=True)
    delivered_at = BoundedDateTimeField(null=True, blank=True)
    created_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            # One delivery per event and subscription: emitting stays idempotent.
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once"
            ),
        ]
        indexes = [
            # The delivery log lists a subscription's deliveries, newest first.
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription_id} ({self.status})"

    @property
    def last_status_class(self) -> str | None:
        """``2xx`` … ``5xx`` when the last attempt got an answer, else None."""
        return self.last_outcome if self.last_outcome in STATUS_CLASSES else None

    @property
    def last_failure(self) -> str:
        """Why the last attempt got no answer (``connection_error``, …), else ``""``."""
        return "" if self.last_outcome in STATUS_CLASSES else self.last_outcome
