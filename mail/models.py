"""Every e-mail the app sends, queued in the transaction that calls for it.

A row is written with the change that needs the mail (an outreach logged, a request
extended) and carried to the SMTP server by a Celery task through the outbox
(``mail.services``). Its ``Message-ID`` is fixed when it is queued, so a retry after
a failure or a lost worker sends the same message again, never a second one under
another id. Recipient, subject, bodies and headers are personal data: sealed at rest.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeField, EncryptedTextField


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What the mail is for ("outreach", "dsar.verification", ...): for logs and counts.
    kind = models.CharField(max_length=40)
    recipient = EncryptedTextField()
    subject = EncryptedTextField()
    text_body = EncryptedTextField()
    html_body = EncryptedTextField(blank=True, default="")
    # Extra headers as JSON (List-Unsubscribe carries a personal objection link).
    headers = EncryptedTextField(blank=True, default="{}")
    message_id = models.CharField(max_length=250, unique=True)
    status = models.CharField(
        max_length=8, choices=MailStatus.choices, default=MailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    # The mail server's last answer ("250 2.0.0 Ok: queued", "421 ...") or the error met.
    last_response = models.CharField(max_length=300, blank=True, default="")
    created_at = BoundedDateTimeField(auto_now_add=True)
    sent_at = BoundedDateTimeField(null=True, blank=True)
    # The recipient's data was erased (GDPR art. 17): once the mail is sent or failed, its
    # personal contents go (``services.forget``); the row stays as the proof they were told.
    forget_when_done = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The stalled-mail sweep reads the queued rows only, oldest first.
            models.Index(fields=["created_at"], condition=Q(status="queued"), name="mail_queued"),
        ]

    def __str__(self):
        return f"{self.kind} mail ({self.status})"
