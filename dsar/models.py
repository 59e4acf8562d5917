"""Data-subject requests (GDPR art. 12-22): intake, deadline, verification, execution.

The identifiers the person gave are personal data: encrypted, with a blind
index next to each so the request can be matched against prospects, consent
events, outreach, the suppression list and imports without decrypting them.
After an erasure the request keeps only its accountability record (type,
dates, outcome counts, blind indexes); the plaintext identifiers are wiped.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import in_past
from core.fields import BoundedDateTimeField, EncryptedTextField


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Erasure")
    OBJECTION = "objection", _("Objection")
    PORTABILITY = "portability", _("Portability")
    RESTRICTION = "restriction", _("Restriction of processing")


class ReceivedVia(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public form")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    PHONE = "phone", _("Phone")
    EMPLOYEE_ACCOUNT = "employee_account", _("An employee's personal social account")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Verifying identity")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (Status.RECEIVED, Status.VERIFYING, Status.IN_PROGRESS)


class VerificationMethod(models.TextChoices):
    EMAIL_LINK = "email_link", _("Link e-mailed to the person")
    DPO_DECISION = "dpo_decision", _("DPO decision")


class Execution(models.TextChoices):
    NONE = "", _("Not started")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DataSubjectRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=16, choices=RequestType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    full_name = EncryptedTextField(_("full name"), blank=True, default="")
    email = EncryptedTextField(_("e-mail"), null=True, blank=True)
    email_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    phone = EncryptedTextField(_("phone"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    profile_url = EncryptedTextField(_("profile URL"), null=True, blank=True)
    profile_url_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    message = EncryptedTextField(_("message"), blank=True, default="")
    # Rectification: the corrected values, as a JSON object (encrypted: they are personal data).
    corrections = EncryptedTextField(_("corrections"), blank=True, default="")
    # The language we write to the person in (French unless they wrote in English).
    language = models.CharField(max_length=8, default="fr")

    received_via = models.CharField(_("received via"), max_length=16, choices=ReceivedVia.choices)
    received_at = BoundedDateTimeField(_("received at"), validators=[in_past])
    due_at = BoundedDateTimeField(_("due at"))
    extended_at = BoundedDateTimeField(null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = EncryptedTextField(_("extension reason"), blank=True, default="")
    # Set only before mails went through the outbox (kept as evidence): the person was
    # e-mailed the extension then. Since, ``extension_notified_at`` is the extension mail's
    # ``sent_at`` (see ``DsarMail``).
    legacy_extension_notified_at = BoundedDateTimeField(null=True, blank=True)

    verification_method = models.CharField(
        max_length=16, choices=VerificationMethod.choices, blank=True
    )
    verification_sent_at = BoundedDateTimeField(null=True, blank=True)
    verified_at = BoundedDateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_note = EncryptedTextField(_("verification note"), blank=True, default="")
    # RULES 22: the identifier types the requester proved (the e-mail whose link they
    # opened) or the DPO verified. Only these, and the records the DPO confirmed, are acted on.
    verified_identifiers = models.JSONField(default=list, blank=True)
    # The DPO's review of the matches: every record shown (ids) and those confirmed as the
    # person's. A match on an unverified or shared identifier is acted on only if confirmed.
    reviewed_prospects = models.JSONField(default=list, blank=True)
    confirmed_prospects = models.JSONField(default=list, blank=True)
    matches_confirmed_at = BoundedDateTimeField(null=True, blank=True)
    matches_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The records the execution acts on, fixed when the DPO executes (ids only): a record
    # created or changed afterwards is not swept in.
    prospect_ids = models.JSONField(default=list, blank=True)

    # The employee who forwarded a request received on their personal account.
    forwarded_by = models.ForeignKey(
        "people.Employee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_dsars",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    execution = models.CharField(max_length=16, choices=Execution.choices, blank=True, default="")
    executed_at = BoundedDateTimeField(null=True, blank=True)
    completed_at = BoundedDateTimeField(null=True, blank=True)
    rejected_at = BoundedDateTimeField(null=True, blank=True)
    rejection_reason = EncryptedTextField(_("rejection reason"), blank=True, default="")
    # As ``legacy_extension_notified_at``: the completion e-mails sent before the outbox.
    legacy_completion_notified_at = BoundedDateTimeField(null=True, blank=True)
    # The completion's download link (access, portability): a keyed hash of its random part,
    # never the token itself, and when it stops working.
    download_token_index = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    download_expires_at = BoundedDateTimeField(null=True, blank=True)
    # The accountability record: what was done, in counts and ids, never personal values.
    outcome = models.JSONField(default=dict, blank=True)

    created_at = BoundedDateTimeField(auto_now_add=True)
    updated_at = BoundedDateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # Deadline counts and the DPO's list (open first, by due date) read this index.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["received", "verifying", "in_progress"]),
                name="dsar_open_due",
            ),
            models.Index(fields=["status", "due_at"], name="dsar_status_due"),
            models.Index(fields=["forwarded_by", "-received_at"], name="dsar_forwarded"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_index__isnull=False)
                | Q(phone_index__isnull=False)
                | Q(profile_url_index__isnull=False),
                name="dsar_has_identifier",
            ),
            models.CheckConstraint(
                condition=Q(extension_months__lte=2), name="dsar_extension_at_most_two_months"
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def mail_for(self, purpose: str):
        """The ``DsarMail`` of this purpose, or None (prefetched ``mails`` are used)."""
        for link in self.mails.all():
            if link.purpose == purpose:
                return link
        return None

    def _notified_at(self, purpose: str, legacy):
        link = self.mail_for(purpose)
        if link is None:
            return legacy
        return link.mail.sent_at if link.mail.status == "sent" else None

    @property
    def extension_notified_at(self):
        """When the person's mailbox server accepted the extension mail; None until then
        (queued, failed, or no e-mail address)."""
        return self._notified_at(MailPurpose.EXTENSION, self.legacy_extension_notified_at)

    @property
    def completion_notified_at(self):
        return self._notified_at(MailPurpose.COMPLETION, self.legacy_completion_notified_at)


class MailPurpose(models.TextChoices):
    VERIFICATION = "verification", _("Verification link")
    EXTENSION = "extension", _("Extension notice")
    COMPLETION = "completion", _("Completion")
    REJECTION = "rejection", _("Rejection")


class DsarMail(models.Model):
    """A mail to the requester, and the request it is about: the DPO sees on the request
    whether each one is queued, sent or failed, with the mail server's answer."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="mails")
    mail = models.OneToOneField(
        "mail.OutgoingMail", on_delete=models.CASCADE, related_name="dsar_link"
    )
    purpose = models.CharField(max_length=16, choices=MailPurpose.choices)
    created_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One of each: a redelivered job completes twice without mailing twice.
            models.UniqueConstraint(fields=["request", "purpose"], name="dsar_mail_one_per_purpose")
        ]

    def __str__(self):
        return f"{self.purpose} mail"


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    ZIP = "zip", _("CSV files in a ZIP archive")


class DsarExport(models.Model):
    """The access/portability bundle, sealed on disk outside the web root for a limited time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="exports"
    )
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    file_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    created_at = BoundedDateTimeField(auto_now_add=True)
    expires_at = BoundedDateTimeField()
    deleted_at = BoundedDateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "format"], name="dsar_export_one_per_format")
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(deleted_at__isnull=True), name="dsar_export_live"
            )
        ]

    def __str__(self):
        return f"{self.format} export"


class EmployeeAttestation(models.Model):
    """After an erasure: an employee confirms they removed the person from their own accounts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="attestations"
    )
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="dsar_attestations"
    )
    # Which of the employee's accounts held the person (network · handle).
    accounts = models.JSONField(default=list, blank=True)
    # Who to remove (name, profile URL): the employee cannot act without it. The one piece of
    # the person kept after an erasure, and only until the employee confirms (then wiped).
    person = EncryptedTextField(_("person to remove"), blank=True, default="")
    requested_at = BoundedDateTimeField(auto_now_add=True)
    confirmed_at = BoundedDateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "employee"], name="dsar_attestation_unique")
        ]
        indexes = [
            models.Index(
                fields=["employee"],
                condition=Q(confirmed_at__isnull=True),
                name="dsar_attestation_pending",
            )
        ]

    def __str__(self):
        return f"attestation {self.employee_id}"
