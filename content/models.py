"""The approved content library (employee advocacy): versioned posts and messages.

An item is a series of versions. Marketing or compliance drafts a version; another
author approves it. Reps only ever see an item's latest *approved* version, and only
while today lies within that version's validity dates: a newer draft waiting for
approval does not withdraw the approved text (it stays usable until the new one is
approved), and expired or never-approved content is never offered. Approved content
passes the gate's content check by construction (RULES 17); the notice and opt-out
rules (15–16) still apply to it. A text the content check flags is approved only
with the approver's recorded reason.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core import wording
from core.fields import BoundedDateField, BoundedDateTimeField


class ContentKind(models.TextChoices):
    POST = "post", _("Post to share")
    MESSAGE = "message", _("Message to a prospect")


class ContentLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class ContentItem(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ContentKind.choices)
    created_by = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="content_items"
    )
    created_at = BoundedDateTimeField(auto_now_add=True)
    # Withdrawn from the library: never offered again, whatever its versions say.
    archived_at = BoundedDateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("author_content", _("Can draft and approve library content"))]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class ApprovedVersionImmutable(Exception):
    """An approved version is what reps were told they may send: it never changes.

    An edit is a new version (``services.content_revise``). The database says the same
    (migration 0003), for whatever reaches it without the ORM.
    """


class ContentVersionQuerySet(models.QuerySet):
    def _refuse_if_approved(self) -> None:
        if self.filter(approved_at__isnull=False).exists():
            raise ApprovedVersionImmutable("an approved content version cannot be changed")

    def update(self, **kwargs):
        self._refuse_if_approved()
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        self.filter(pk__in=[obj.pk for obj in objs])._refuse_if_approved()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self):
        self._refuse_if_approved()
        return super().delete()


class ContentVersion(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2, choices=ContentLanguage.choices)
    # Messages: the outreach channels they may be sent on; posts: the networks to share on.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    networks = models.JSONField(_("networks"), default=list, blank=True)
    valid_from = BoundedDateField(_("valid from"))
    valid_until = BoundedDateField(_("valid until"), null=True, blank=True)
    author = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="content_versions_written"
    )
    created_at = BoundedDateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="content_versions_approved",
    )
    approved_at = BoundedDateTimeField(_("approved on"), null=True, blank=True)
    # RULES 17: why the approver passed a text the content check flagged; empty otherwise.
    approval_override_reason = models.TextField(
        _("reason for approving a flagged text"), blank=True, default=""
    )

    objects = ContentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            # "The latest approved version" must be unambiguous (selectors.offered_versions).
            models.UniqueConstraint(fields=["item", "number"], name="content_version_unique"),
            # No self-approval, even through the admin or a script (the service says 403 first).
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="content_version_not_self_approved",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="content_version_approval_complete",
            ),
            # An override reason is part of an approval: a draft cannot carry one.
            models.CheckConstraint(
                condition=Q(approval_override_reason="") | Q(approved_at__isnull=False),
                name="content_version_override_only_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="content_version_validity_order",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def save(self, *args, **kwargs):
        if self._stored_approved():
            raise ApprovedVersionImmutable("an approved content version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_approved():
            raise ApprovedVersionImmutable("an approved content version cannot be deleted")
        return super().delete(*args, **kwargs)

    def _stored_approved(self) -> bool:
        # Read from the database, not from this instance: it may predate the approval.
        return (
            not self._state.adding
            and type(self).objects.filter(pk=self.pk, approved_at__isnull=False).exists()
        )

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def content_flags(self) -> list[str]:
        """What the content check (RULES 17) finds in the text, as reason codes."""
        return wording.flagged(self.body)


class ContentUse(models.Model):
    """Which approved version an outreach attempt used: evidence that the text was vetted."""

    attempt = models.OneToOneField(
        "consent.OutreachAttempt", on_delete=models.CASCADE, related_name="content_use"
    )
    version = models.ForeignKey(ContentVersion, on_delete=models.PROTECT, related_name="uses")
    # The rep changed the text after picking it: the gate checked it like any other text.
    edited = models.BooleanField(default=False)
    created_at = BoundedDateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.version} → {self.attempt_id}"


class ContentShare(models.Model):
    """A rep says they shared a post on one of their networks (the app never posts itself)."""

    version = models.ForeignKey(ContentVersion, on_delete=models.PROTECT, related_name="shares")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="content_shares"
    )
    network = models.CharField(_("network"), max_length=16)
    shared_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self):
        return f"{self.version} · {self.network}"
