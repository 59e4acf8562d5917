"""The suppression list (oppositions), kept as keyed hashes only.

An objection to direct marketing (GDPR art. 21) is absolute and survives
erasure, so the list stores the blind index of the identifier, never the
identifier itself, and may name people who are not (or no longer) prospects.

It sits low: prospect creation, imports, the DSAR jobs and the gate consult it,
and it consults none of them. Its table kept the name it had in ``consent``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import BoundedDateTimeField


class IdentifierType(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    PROFILE_URL = "profile_url", _("Profile URL")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone call")
    SOCIAL_MESSAGE = "social_message", _("Social network message")
    CONNECTION_REQUEST = "connection_request", _("Connection request")


SCOPE_ALL = "all"
SCOPE_CHOICES = [(SCOPE_ALL, _("All channels")), *Channel.choices]


class OppositionSource(models.TextChoices):
    PROSPECT_REQUEST = "prospect_request", _("The person asked")
    DSAR = "dsar", _("Data-subject request")
    OPPOSITION_LIST = "opposition_list", _("Opposition list (Bloctel-style)")
    COMPLAINT = "complaint", _("Complaint")


class Opposition(models.Model):
    identifier_type = models.CharField(max_length=16, choices=IdentifierType.choices)
    identifier_index = models.CharField(max_length=64)
    scope = models.CharField(max_length=32, choices=SCOPE_CHOICES, default=SCOPE_ALL)
    source = models.CharField(max_length=32, choices=OppositionSource.choices)
    created_at = BoundedDateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "consent_opposition"
        constraints = [
            # Registering the same objection twice is idempotent.
            models.UniqueConstraint(
                fields=["identifier_type", "identifier_index", "scope"], name="opposition_unique"
            ),
        ]
        indexes = [
            # Prospect creation, imports and the gate look up by (type, index).
            models.Index(fields=["identifier_index", "identifier_type"], name="opposition_lookup"),
        ]

    def __str__(self):
        return f"{self.identifier_type} opposition ({self.scope})"
