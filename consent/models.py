"""Consent events, the outreach log and the evidence of removed records.

The suppression list (oppositions) and the channels it is kept per live in
``suppression``, below.
"""

import contextlib
import uuid

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core import database
from core.dates import in_past
from core.fields import BoundedDateTimeField, EncryptedTextField
from suppression.models import Channel


class ConsentAction(models.TextChoices):
    GRANT = "grant", _("Opt-in")
    WITHDRAW = "withdraw", _("Opt-out")


class Evidence(models.TextChoices):
    WEB_FORM = "web_form", _("Ticked an unticked box on a form")
    WRITTEN_REPLY = "written_reply", _("Said yes in writing (message, e-mail)")
    SIGNED = "signed", _("Signed document")
    RECORDED_CALL = "recorded_call", _("Recorded call")
    SALE = "sale", _("Given at a sale (existing customer)")
    OPT_OUT_LINK = "opt_out_link", _("Used an opt-out link or STOP")
    REQUEST = "request", _("Asked not to be contacted")
    # A reaction on a network is not consent (RULES 6); kept so a rep can log what happened.
    LIKE = "like", _("Liked a post")
    FOLLOW = "follow", _("Followed the account")
    CONNECTION_ACCEPTED = "connection_accepted", _("Accepted a connection request")


NOT_CONSENT = frozenset({Evidence.LIKE, Evidence.FOLLOW, Evidence.CONNECTION_ACCEPTED})
# RULES 6: only a real opt-in act grants (``sale`` records the soft opt-in basis).
GRANTING = frozenset(
    {
        Evidence.WEB_FORM,
        Evidence.WRITTEN_REPLY,
        Evidence.SIGNED,
        Evidence.RECORDED_CALL,
        Evidence.SALE,
    }
)
# RULES 2: "do not contact me" is an objection on that channel, not only an opt-out.
OBJECTING = frozenset({Evidence.OPT_OUT_LINK, Evidence.REQUEST})


class AppendOnlyError(Exception):
    """Consent events are evidence: they are never changed or removed through the app."""


# The one way round the append-only rule: a data-subject erasure (GDPR art. 17). It is a
# transaction-local PostgreSQL setting that the trigger of migration 0005 checks, so it ends
# with the transaction and a forgotten reset cannot leak into the next request.
ERASURE_SETTING = "socialcrm.erasure"


def _erasure_setting() -> str:
    return database.transaction_setting(ERASURE_SETTING)


def _set_erasure(value: str) -> None:
    database.set_transaction_setting(ERASURE_SETTING, value)


@contextlib.contextmanager
def consent_erasure():
    """Inside: consent events may be deleted (erasure only). Needs an open transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise AppendOnlyError("an erasure runs inside a transaction")
    _set_erasure("on")
    try:
        yield
    finally:
        _set_erasure("")


def erasure_in_progress() -> bool:
    return _erasure_setting() == "on"


def cascade_in_database(collector, field, sub_objs, using):
    """The ``on_delete`` of migrations 0006-0008 (events deleted with their prospect).

    Kept because those migrations name it; since 0009 a prospect's events outlive it
    (``detach_in_database``).
    """
    if not database.postgresql(using):
        models.CASCADE(collector, field, sub_objs, using)


cascade_in_database.lazy_sub_objs = True


def detach_in_database(collector, field, sub_objs, using):
    """``on_delete`` for evidence that outlives its record (RULES 19): ``ON DELETE SET NULL``.

    On PostgreSQL the foreign key sets ``prospect_id`` to NULL itself (migration 0009)
    and the append-only trigger lets exactly that change through: the ORM neither reads
    nor updates the rows, so deleting prospects costs no statement per prospect.
    Elsewhere (SQLite, development) the collector's field update does it, through the
    base manager: the one ORM path round ``ConsentEventQuerySet.update``.
    """
    if not database.postgresql(using):
        collector.add_field_update(field, None, sub_objs)


# The sub-objects are not evaluated before the call: on PostgreSQL nothing reads them.
detach_in_database.lazy_sub_objs = True


# The evidence purge (RULES 19) may delete consent events whose record is gone, and those
# alone: the trigger of migration 0009 checks it too (``prospect_id IS NULL``).
EXPIRY = "expired"


@contextlib.contextmanager
def consent_evidence_expiry():
    """Inside: detached consent events past the evidence period may be deleted."""
    if not transaction.get_connection().in_atomic_block:
        raise AppendOnlyError("the evidence purge runs inside a transaction")
    _set_erasure(EXPIRY)
    try:
        yield
    finally:
        _set_erasure("")


class ConsentEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("consent events are append-only")

    def delete(self):
        mode = _erasure_setting()
        if mode == EXPIRY and not self.filter(prospect__isnull=False).exists():
            return super().delete()
        if mode != "on":
            raise AppendOnlyError("consent events are append-only")
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.prospect_ref = obj.prospect_id
        return super().bulk_create(objs, *args, **kwargs)


class ConsentEvent(models.Model):
    """One grant or withdrawal, with what proves it (GDPR art. 7(1))."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # NULL once the record is deleted (RULES 19): the event stays as evidence, naming no one.
    prospect = models.ForeignKey(
        "prospects.Prospect",
        null=True,
        on_delete=detach_in_database,
        related_name="consent_events",
    )
    # The record's id, kept after it is gone: groups a removed record's events, and an
    # erasure request finds them through ``RemovedRecord`` (RULES 19, 22).
    prospect_ref = models.UUIDField(null=True, editable=False, db_index=True)
    channel = models.CharField(max_length=32, choices=Channel.choices)
    action = models.CharField(max_length=16, choices=ConsentAction.choices)
    # What the person agreed to, in the rep's words (it may name them): encrypted.
    purpose = EncryptedTextField(max_length=200, blank=True, default="")
    evidence = models.CharField(max_length=32, choices=Evidence.choices)
    # What the person did, where, and the wording they were shown: personal data, encrypted.
    proof = EncryptedTextField(blank=True, default="")
    wording_shown = EncryptedTextField(blank=True, default="")
    captured_by = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = BoundedDateTimeField(validators=[in_past])
    recorded_at = BoundedDateTimeField(auto_now_add=True)

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "recorded_at"]
        indexes = [
            # The gate reads the latest event per (prospect, channel), opt-out first on a tie:
            # the index holds that order, so the newest entry is read without sorting them all.
            models.Index(
                fields=["prospect", "channel", "-occurred_at", "-action"],
                name="consent_latest_first",
            ),
        ]
        constraints = [
            # Reactions on a network can be logged, never as a grant.
            models.CheckConstraint(
                condition=~models.Q(
                    action="grant", evidence__in=["like", "follow", "connection_accepted"]
                ),
                name="consent_grant_needs_real_evidence",
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.channel}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("consent events are append-only")
        self.prospect_ref = self.prospect_id
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("consent events are append-only")

    @staticmethod
    def resealing():
        """Inside: values may be re-sealed under the current key (``rotate_keys``). That
        changes no value, and the append-only trigger lets it through as an erasure."""
        return consent_erasure()


class RemovalReason(models.TextChoices):
    DELETED = "deleted", _("Deleted by an employee")
    RETENTION = "retention", _("End of retention")
    OFFBOARDING = "offboarding", _("Pre-hire network of a departing employee")


class RemovedRecord(models.Model):
    """A prospect removed from the CRM whose evidence is kept (RULES 19).

    Its consent events stay (``prospect`` NULL, ``prospect_ref`` this id) and so does
    its outreach log (unlinked, without the texts), until ``EVIDENCE_RETENTION_DAYS``
    after ``removed_at``. No name and no identifier: the keyed hashes of the
    identifiers only, so an erasure request can still find and remove them (RULES 22).
    This is not an objection: nothing here blocks collecting the person again.
    """

    prospect_ref = models.UUIDField(primary_key=True)
    reason = models.CharField(max_length=16, choices=RemovalReason.choices)
    email_index = models.CharField(max_length=64, blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="")
    profile_url_index = models.CharField(max_length=64, blank=True, default="")
    # The evidence period runs from here; the nightly evidence purge reads it in order.
    removed_at = BoundedDateTimeField(db_index=True)

    def __str__(self):
        return f"{self.reason} {self.prospect_ref}"


class Decision(models.TextChoices):
    ALLOW = "allow", _("Allowed")
    DENY = "deny", _("Denied")


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    REFUSED = "refused", _("Refused the call")


class OutreachAttempt(models.Model):
    """Every outreach a rep logged, allowed or denied, with the gate's decision.

    Kept as evidence for ``EVIDENCE_RETENTION_DAYS`` (RULES 19). Mostly it records what a
    person did on their own account; an allowed e-mail may also be sent by the app
    (``mail``), when the company turned ``OUTREACH_EMAIL_SENDING`` on.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    prospect = models.ForeignKey(
        "prospects.Prospect", null=True, on_delete=models.SET_NULL, related_name="outreach"
    )
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.PROTECT, related_name="outreach"
    )
    social_account = models.ForeignKey(
        "people.SocialAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach",
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    content = EncryptedTextField(blank=True, default="")
    final_content = EncryptedTextField(blank=True, default="")
    append_notice = models.BooleanField(default=True)
    relates_to_profession = models.BooleanField(default=True)
    # What the rep stated for the soft opt-in (RULES 3) and a call about a contract (RULES 7).
    # A database default too: rows written by SQL (bulk loads) need not name them.
    analogous_products = models.BooleanField(default=False, db_default=False)
    about_contract = models.BooleanField(default=False, db_default=False)
    # Phone attempts: how the call went; a refusal stops calls for a while (RULES 7).
    outcome = models.CharField(
        max_length=16, choices=CallOutcome.choices, blank=True, db_default=""
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reasons = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=32)
    created_at = BoundedDateTimeField(db_index=True)
    replied_at = BoundedDateTimeField(null=True, blank=True)
    # The e-mail the app sent for this attempt (OUTREACH_EMAIL_SENDING), with its delivery
    # status and the server's answer; null when the rep sent it from elsewhere.
    mail = models.ForeignKey(
        "mail.OutgoingMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_attempts",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The gate counts a prospect's allowed attempts per channel and window.
            models.Index(
                fields=["prospect", "channel", "created_at"], name="outreach_prospect_window"
            ),
            # ...of allowed attempts only, counted from the index alone (no heap visit per row).
            models.Index(
                fields=["prospect", "channel", "created_at"],
                include=["replied_at", "id"],
                condition=models.Q(decision="allow"),
                name="outreach_allowed_window",
            ),
            # The network's daily budget counts per social account and day.
            models.Index(
                fields=["social_account", "channel", "created_at"], name="outreach_account_day"
            ),
            models.Index(fields=["employee", "-created_at"], name="outreach_employee_recent"),
        ]

    def __str__(self):
        return f"{self.channel} {self.decision}"


class ObjectionLink(models.Model):
    """A personal one-click objection link ``/o/{token}/`` sent with a notice (RULES 15).

    One per prospect and channel, long-lived (``consent.optout``). The token itself is
    never stored, only the digest of its tag: a copy of the database does not let anyone
    object in a person's name. The record may be deleted later (erasure, retention): the
    link then leads to the thanks page and records nothing, since nothing is left to
    contact.
    """

    digest = models.CharField(max_length=64, unique=True)
    prospect = models.ForeignKey(
        "prospects.Prospect",
        null=True,
        on_delete=models.SET_NULL,
        related_name="objection_links",
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    created_at = BoundedDateTimeField(auto_now_add=True)
    # The first time the person objected through it (repeats change nothing).
    used_at = BoundedDateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prospect", "channel"], name="objection_link_per_channel"
            ),
        ]

    def __str__(self):
        return f"objection link ({self.channel})"
