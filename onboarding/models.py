"""Onboarding: the checklist opened when an employee is created, and the pre-hire data agreement.

The checklist's items are read from the real state (acknowledgements,
training, social accounts, contribution decisions; see ``selectors``), so
nothing here is ticked by hand. What is stored is what only a person can
decide: that the checklist was opened, and the rep's contribution decisions
(PRODUCT §2), each dated.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeField


class Onboarding(models.Model):
    employee = models.OneToOneField(
        "people.Employee", on_delete=models.CASCADE, related_name="onboarding"
    )
    opened_at = BoundedDateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rep's explicit decision on the pre-hire data contribution agreement, even "keep them all".
    agreement_decided_at = BoundedDateTimeField(
        _("contribution agreement decided at"), null=True, blank=True
    )
    # Stamped the first time every item is found done; a later charter version does not reopen it
    # (the gate and "My compliance" take over from there).
    completed_at = BoundedDateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # HR's onboarding page: open checklists first, newest first.
            models.Index(fields=["completed_at", "-opened_at"], name="onboarding_open_recent"),
        ]

    def __str__(self):
        return f"{self.employee} · {self.opened_at:%Y-%m-%d}"


class DecisionVia(models.TextChoices):
    BROWSER = "browser", _("Browser")
    API = "api", _("API")


class ContributionDecision(models.Model):
    """One dated decision of a rep on one pre-hire contact: contribute it, or take it back.

    Offboarding reads the prospect's ``contributed`` flag; these rows are the
    evidence of when and how the rep decided. They name the prospect by id
    only, so they hold no personal data once the prospect is gone.
    """

    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="contribution_decisions"
    )
    # The prospect's id, not a foreign key: the decision outlives the prospect (purged at
    # offboarding, erased on request) and prospect deletions elsewhere never have to touch it.
    prospect_ref = models.UUIDField(_("prospect"), db_index=True)
    contribute = models.BooleanField(_("contributed"))
    decided_at = BoundedDateTimeField(_("decided at"))
    via = models.CharField(_("via"), max_length=16, choices=DecisionVia.choices)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            # A rep's decisions, newest first (the audit of their agreement).
            models.Index(fields=["employee", "-decided_at"], name="contribution_by_employee"),
        ]

    def __str__(self):
        return f"{self.employee} · {self.decided_at:%Y-%m-%d}"
