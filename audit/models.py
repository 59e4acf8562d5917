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

from socialcrm.lib.fields import BoundedDateTimeField


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
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": list(self.fields),
        }

    def compute_hash(self) -> str:
        body = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(f"{self.prev_hash}|{body}".encode()).hexdigest()


GENESIS_HASH = "0" * 64
