"""The audit trail: append-only, hash-chained events.

Each event's hash covers its content and the previous event's hash, so editing,
deleting or re-ordering any row breaks the chain from that row on
(``manage.py verify_audit``). Events name records and fields, never their
values: the trail itself holds no personal data and survives erasure.
"""

import hashlib
import json

from django.conf import settings
from django.db import models

from core.fields import BoundedDateTimeField


class AppendOnlyError(Exception):
    """Audit events cannot be changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    at = BoundedDateTimeField(db_index=True)
    # No database constraint: users are deactivated, never deleted, and the
    # trail must not change if one ever were.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True)
    # A list or export read: the ids of the records on the page, as text.
    record_ids = models.JSONField(default=list, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def content(self) -> dict:
        body = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": list(self.fields),
        }
        # Only when present, so events written before reads were recorded keep their hash.
        if self.record_ids:
            body["record_ids"] = list(self.record_ids)
        return body

    def compute_hash(self) -> str:
        body = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(f"{self.prev_hash}|{body}".encode()).hexdigest()


GENESIS_HASH = "0" * 64


class AuditCheckpoint(models.Model):
    """A signed note of how long the chain was and how it ended, at a moment.

    The chain alone proves nothing about its end: removing the last events, or
    rewriting the last one with a fresh hash, leaves a valid shorter chain.
    ``verify_audit`` compares the chain with the latest checkpoint. The signature
    (HMAC, key derived from ``BLIND_INDEX_KEY``) keeps someone who can write to the
    database from moving the checkpoint along with the trail.
    """

    at = BoundedDateTimeField(db_index=True)
    event_count = models.PositiveBigIntegerField()
    # The id and hash of the last event counted (empty chain: id 0, the genesis hash).
    head_id = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"checkpoint {self.event_count} events at {self.at:%Y-%m-%d %H:%M}"

    def signed_content(self) -> bytes:
        return f"{self.at.isoformat()}|{self.event_count}|{self.head_id}|{self.head_hash}".encode()
