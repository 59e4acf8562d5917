"""The transactional outbox: a Celery task to send, written in the caller's transaction.

A task enqueued with ``apply_async`` at commit time is lost if the broker is
down at that moment. A row here commits (or rolls back) with the change that
calls for the task; ``outbox.services`` sends it right after the commit and the
beat sweep sends whatever is still unsent, so the task leaves at least once.
Receivers must be idempotent.
"""

from django.db import models
from django.db.models import Q

from core.fields import BoundedDateTimeField


class OutboxMessage(models.Model):
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = BoundedDateTimeField(auto_now_add=True)
    # A failed send waits until then before the sweep tries again.
    next_attempt_at = BoundedDateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    sent_at = BoundedDateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The sweep reads the unsent rows only, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="outbox_unsent",
            ),
        ]

    def __str__(self):
        return f"{self.task_name} #{self.pk}"
