"""Charters (versioned, acknowledged by each employee) and social selling training.

A charter binds employees in the version that is current: the highest version
whose effective date has come. Publishing a new version makes every earlier
acknowledgement of that charter stale (RULES 13).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.dates import in_past, in_range
from core.fields import BoundedDateField, BoundedDateTimeField


class CharterKind(models.TextChoices):
    SOCIAL_SELLING = "social_selling", _("Social selling charter")
    INFORMATION_SYSTEMS = "information_systems", _("Information systems charter")
    DISCONNECTION = "disconnection", _("Right to disconnect charter")
    GDPR_CODE_OF_CONDUCT = "gdpr_code_of_conduct", _("GDPR code of conduct")


class Charter(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=CharterKind.choices, unique=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class CharterVersion(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"))
    effective_date = BoundedDateField(_("effective date"), validators=[in_range])
    # RULES 13: the four charters are required by default; a company may publish one that is not.
    required_for_prospecting = models.BooleanField(_("required for prospecting"), default=True)
    # Charters bind employees only when adopted after the staff representatives were consulted.
    staff_consulted_on = BoundedDateField(
        _("staff representatives consulted on"), null=True, blank=True, validators=[in_past]
    )

    class Meta:
        ordering = ["charter__kind", "-version"]
        constraints = [
            # "The current version" is the highest effective one: it must be unambiguous.
            models.UniqueConstraint(fields=["charter", "version"], name="charter_version_unique"),
        ]

    def __str__(self):
        return f"{self.charter} v{self.version}"

    def title_in(self, language: str | None) -> str:
        return self.title_fr if (language or "").startswith("fr") else self.title_en

    def text_in(self, language: str | None) -> str:
        return self.text_fr if (language or "").startswith("fr") else self.text_en


class AcknowledgementVia(models.TextChoices):
    BROWSER = "browser", _("Browser")
    API = "api", _("API")


class AppendOnlyError(Exception):
    """Acknowledgements are evidence: they are never changed or removed through the app."""


class AcknowledgementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("acknowledgements are append-only")

    def delete(self):
        raise AppendOnlyError("acknowledgements are append-only")


class Acknowledgement(models.Model):
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="charter_acknowledgements"
    )
    version = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    # RULES 13: an acknowledgement describes the past, never a date ahead.
    at = BoundedDateTimeField(_("acknowledged at"), validators=[in_past])
    via = models.CharField(_("via"), max_length=16, choices=AcknowledgementVia.choices)

    objects = AcknowledgementQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        constraints = [
            # The gate counts acknowledgements per version: one per employee is the proof.
            models.UniqueConstraint(
                fields=["employee", "version"], name="acknowledgement_once_per_version"
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("acknowledgements are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("acknowledgements are append-only")


class Training(models.Model):
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="trainings"
    )
    # RULES 13: a training is recorded once done, never ahead of time.
    completed_at = BoundedDateField(_("completed on"), validators=[in_past])
    valid_until = BoundedDateField(_("valid until"), validators=[in_range])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_until"]
        constraints = [
            # The gate reads the latest valid_until; a validity ending before completion is a typo.
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("completed_at")),
                name="training_valid_after_completion",
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.valid_until}"
