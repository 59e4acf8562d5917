"""What the retention jobs (RULES 18-19) need to remember between nights.

- ``RepermissionRequest``: the one re-permission attempt of a retention period.
- ``RetentionCursor``: how far the evidence purge has gone through the outreach log.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateField, BoundedDateTimeField


class RepermissionRequest(models.Model):
    """The owner is asked to ask the prospect whether they want to stay in touch.

    Raised ``RETENTION_REPERMISSION_DAYS`` before ``retention_until``, while the
    gate still lets the rep write to them: a reply they log moves the prospect's
    clock (RULES 18); without one the prospect is purged when the date passes.
    """

    prospect = models.ForeignKey(
        "prospects.Prospect", on_delete=models.CASCADE, related_name="repermission_requests"
    )
    owner = models.ForeignKey(
        "people.Employee", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The deadline this attempt was made for: a reply moves it, and the next period may
    # have its own attempt.
    retention_until = BoundedDateField(_("retention until"))
    requested_at = BoundedDateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("re-permission request")
        verbose_name_plural = _("re-permission requests")
        constraints = [
            # RULES 18 allows one attempt per retention period; the nightly job relies on it
            # to be idempotent.
            models.UniqueConstraint(
                fields=["prospect", "retention_until"], name="repermission_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.prospect_id} until {self.retention_until}"


class RetentionCursor(models.Model):
    """The last row a batched job has handled, in ``(created_at, id)`` order."""

    name = models.CharField(max_length=64, primary_key=True)
    created_at = BoundedDateTimeField(null=True)
    last_id = models.UUIDField(null=True)

    def __str__(self):
        return self.name
