"""Import jobs: a file of prospects uploaded by an employee, processed by a Celery task.

The uploaded file holds personal data: it lives under ``MEDIA_ROOT`` only while
the job runs and is deleted when the job ends, whatever the outcome. The job
row keeps counts and row numbers, never a value from the file.
"""

import uuid

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeField
from people.models import Employee


class ImportKind(models.TextChoices):
    LINKEDIN = "linkedin", _("LinkedIn connections export")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _upload_path(job: "ImportJob", filename: str) -> str:
    # Named after the job, not the upload: a file name can itself be personal data.
    return f"imports/{job.pk}.csv"


def _private_storage() -> FileSystemStorage:
    # Under MEDIA_ROOT like any upload, but readable by the app's own user only.
    return FileSystemStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


def _empty_by_provenance() -> dict:
    return {"pre_hire": 0, "employment": 0}


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="import_jobs")
    kind = models.CharField(max_length=16, choices=ImportKind.choices, default=ImportKind.LINKEDIN)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    file = models.FileField(upload_to=_upload_path, storage=_private_storage, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    # Rows skipped because an identifier is on the suppression list (RULES 1).
    opposed = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{row, errors: {field: message}}], the first REJECTED_LISTED_MAX only, so a file
    # of garbage cannot grow the row without bound.
    rejected = models.JSONField(default=list, blank=True)
    by_provenance = models.JSONField(default=_empty_by_provenance, blank=True)
    error = models.TextField(blank=True)
    # Data records of the file already handled; a resumed task skips this many.
    cursor = models.PositiveIntegerField(default=0)
    created_at = BoundedDateTimeField(auto_now_add=True)
    started_at = BoundedDateTimeField(null=True, blank=True)
    finished_at = BoundedDateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The task's claim (UPDATE … WHERE status=…) relies on known states only.
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_job_status_known"
            ),
            # Resuming from the cursor must never skip rows that were not counted.
            models.CheckConstraint(
                condition=Q(processed=models.F("cursor")), name="import_job_cursor_is_processed"
            ),
        ]
        indexes = [
            # An employee's recent imports.
            models.Index(fields=["owner", "-created_at"], name="import_job_owner_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} import {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


# What a job tells about itself (admin, API): counts and times, never the file or row values.
JOB_REPORT_FIELDS = (
    "kind",
    "status",
    "total",
    "processed",
    "created",
    "duplicates",
    "opposed",
    "rejected_count",
    "rejected",
    "by_provenance",
    "error",
    "created_at",
    "started_at",
    "finished_at",
)
