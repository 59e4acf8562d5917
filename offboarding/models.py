"""Offboarding: the checklist HR runs when an employee leaves.

One ``Offboarding`` case per departure, with its ordered ``OffboardingStep``
rows. The long steps are Celery jobs driven by those rows: a step holds its
cursor and counts, so a job that dies resumes where the last committed batch
ended, and the progress shown is read from the rows.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateField, BoundedDateTimeField, EncryptedTextField
from people.models import Employee


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    WAITING = "waiting", _("Waiting")


class StepKey(models.TextChoices):
    FREEZE_OUTREACH = "freeze_outreach", _("Freeze outreach")
    INVENTORY = "inventory", _("Inventory")
    TRANSFER_DATA = "transfer_data", _("Transfer data to the successor")
    RETURN_PREHIRE_DATA = "return_prehire_data", _("Return pre-hire data to the employee")
    PURGE_PREHIRE_DATA = "purge_prehire_data", _("Purge pre-hire data")
    PERSONAL_ACCOUNT_ATTESTATION = (
        "personal_account_attestation",
        _("Personal accounts attestation"),
    )
    REVOKE_ACCESS = "revoke_access", _("Revoke access")
    FINAL_REPORT = "final_report", _("Final report")


# The order of API.md; each step starts when the previous one is done.
STEP_ORDER = tuple(StepKey.values)


class Offboarding(models.Model):
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="offboardings"
    )
    successor = models.ForeignKey(
        Employee,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    departure_date = BoundedDateField(_("departure date"))
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = BoundedDateTimeField(auto_now_add=True)
    started_at = BoundedDateTimeField(null=True, blank=True)
    finished_at = BoundedDateTimeField(null=True, blank=True)
    # The departed employee may sign in to the attestation page alone until then.
    attestation_deadline = BoundedDateField(_("attestation deadline"), null=True, blank=True)
    # The employee's export of their own network may be downloaded until then.
    export_available_until = BoundedDateTimeField(null=True, blank=True)
    # Counts and ids only, written by the final_report step (no prospect's personal data).
    report = models.JSONField(default=dict, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = BoundedDateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # 409 on a second open case for the same employee relies on this.
            models.UniqueConstraint(
                fields=["employee"],
                condition=~Q(status="done"),
                name="offboarding_one_open_case_per_employee",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("employee")),
                name="offboarding_successor_is_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="offboarding_status_known"
            ),
        ]
        indexes = [
            # The dashboard's count of cases in progress.
            models.Index(fields=["status"], condition=~Q(status="done"), name="offboarding_open"),
        ]

    def __str__(self):
        return f"offboarding {self.pk} ({self.status})"


class OffboardingStep(models.Model):
    offboarding = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=40, choices=StepKey.choices)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # The last prospect id a committed batch handled: a resumed job starts after it.
    cursor = models.CharField(max_length=64, blank=True)
    # What the step did, in counts (no personal data): the final report reads them.
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # A running job pushes this forward after each batch; past it, the sweep re-enqueues.
    lease_until = BoundedDateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    started_at = BoundedDateTimeField(null=True, blank=True)
    finished_at = BoundedDateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offboarding", "position"]
        constraints = [
            # Jobs find their step by (case, key): one row each.
            models.UniqueConstraint(fields=["offboarding", "key"], name="offboarding_step_unique"),
            models.CheckConstraint(
                condition=Q(status__in=StepStatus.values), name="offboarding_step_status_known"
            ),
        ]
        indexes = [
            # The sweep looks for running steps whose lease ran out.
            models.Index(
                fields=["lease_until"],
                condition=Q(status="running"),
                name="offboarding_step_running",
            ),
        ]

    def __str__(self):
        return f"{self.key} ({self.status})"


class Attestation(models.Model):
    """The departing employee's (or HR's, with a signed document) statement of removal."""

    offboarding = models.ForeignKey(
        Offboarding, on_delete=models.CASCADE, related_name="attestations"
    )
    # The row's id before the insert, which the encrypted values below are bound to.
    seal_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # Free text: it may name prospects, so it is sealed like their values.
    statement = EncryptedTextField(_("statement"), row_key="seal_key")
    prospect_ids = models.JSONField(default=list)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When HR attests for the employee: the reference of the signed paper document.
    signed_document = EncryptedTextField(
        _("signed document"), blank=True, default="", row_key="seal_key"
    )
    created_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"attestation {self.pk}"


class AttestationItem(models.Model):
    """A company prospect the employee reached through a personal account (ids only).

    Listed by the inventory, before the transfer moves the prospects away, so
    the list does not depend on where the records are afterwards.
    """

    offboarding = models.ForeignKey(
        Offboarding, on_delete=models.CASCADE, related_name="attestation_items"
    )
    prospect_id = models.UUIDField()
    social_account_id = models.IntegerField(null=True, blank=True)
    attested_at = BoundedDateTimeField(null=True, blank=True)
    attestation = models.ForeignKey(
        Attestation, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            # The inventory may run twice: each prospect is listed once per case.
            models.UniqueConstraint(
                fields=["offboarding", "prospect_id"], name="attestation_item_unique"
            ),
        ]

    def __str__(self):
        return str(self.prospect_id)


class ExportRow(models.Model):
    """One contact of the employee's own network, copied for their export before the purge.

    Written in the return step's batches (one row per prospect, so a batch
    written twice adds nothing) and deleted when the export expires.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offboarding = models.ForeignKey(
        Offboarding, on_delete=models.CASCADE, related_name="export_rows"
    )
    prospect_id = models.UUIDField()
    # JSON of the contact's values: personal data, encrypted like on the prospect.
    data = EncryptedTextField()

    class Meta:
        ordering = ["offboarding", "prospect_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offboarding", "prospect_id"], name="export_row_unique"
            ),
        ]

    def __str__(self):
        return str(self.prospect_id)


class PurgedEvidence(models.Model):
    """What remains of a purged pre-hire prospect's consents and outreach (RULES 19).

    Minimised: the keyed hashes of its identifiers (so a later dispute can be
    matched), the channel, the action and the dates, never a name or a text.
    """

    offboarding = models.ForeignKey(
        Offboarding, on_delete=models.PROTECT, related_name="purged_evidence"
    )
    prospect_id = models.UUIDField()
    kind = models.CharField(max_length=16)  # "consent" or "outreach"
    source_id = models.UUIDField()
    channel = models.CharField(max_length=32)
    action = models.CharField(max_length=16, blank=True)
    evidence = models.CharField(max_length=32, blank=True)
    occurred_at = BoundedDateTimeField()
    email_index = models.CharField(max_length=64, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    profile_url_index = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            # The purge may run a batch twice: each piece of evidence is kept once.
            models.UniqueConstraint(fields=["kind", "source_id"], name="purged_evidence_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.source_id}"


class ExportDownload(models.Model):
    """Each download of the export: who, when (the export is personal data)."""

    offboarding = models.ForeignKey(
        Offboarding, on_delete=models.CASCADE, related_name="export_downloads"
    )
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    downloaded_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["downloaded_at"]

    def __str__(self):
        return f"download {self.pk}"
