"""What the retention jobs (RULES 18-19) need to remember between nights.

- ``RepermissionRequest``: the one re-permission attempt of a retention period.
- ``ArchivedConsentEvent``: the consent evidence of a purged prospect, minimised.
- ``RetentionCursor``: how far the evidence purge has gone through the outreach log.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.models import Channel, ConsentAction, Evidence
from socialcrm.lib.fields import EncryptedTextField


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
    retention_until = models.DateField(_("retention until"))
    requested_at = models.DateTimeField(_("requested at"))

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


class ArchivedConsentEvent(models.Model):
    """A purged prospect's consent event, minimised, kept as evidence (RULES 19).

    ``consent.ConsentEvent`` cascades with its prospect, so the purge copies each
    event here first: channel, action, kind of evidence, purpose, the wording
    shown, who captured it and when. The free-text proof (what the person wrote
    or did) is not copied. Deleted once ``keep_until`` has passed.
    """

    # The original event's id: copying twice is a no-op.
    id = models.UUIDField(primary_key=True, editable=False)
    # The purged prospect's id groups the events; it names no one once the record is gone.
    prospect_ref = models.UUIDField()
    channel = models.CharField(max_length=32, choices=Channel.choices)
    action = models.CharField(max_length=16, choices=ConsentAction.choices)
    purpose = models.CharField(max_length=200, blank=True)
    evidence = models.CharField(max_length=32, choices=Evidence.choices)
    wording_shown = EncryptedTextField(blank=True, default="")
    captured_by = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    archived_at = models.DateTimeField()
    keep_until = models.DateField(db_index=True)

    class Meta:
        verbose_name = _("archived consent event")
        verbose_name_plural = _("archived consent events")

    def __str__(self):
        return f"{self.action} {self.channel}"


class RetentionCursor(models.Model):
    """The last row a batched job has handled, in ``(created_at, id)`` order."""

    name = models.CharField(max_length=64, primary_key=True)
    created_at = models.DateTimeField(null=True)
    last_id = models.UUIDField(null=True)

    def __str__(self):
        return self.name
