"""The suppression list (oppositions), kept as keyed hashes only.

An objection to direct marketing (GDPR art. 21) is absolute and survives
erasure, so the list stores the blind index of the identifier, never the
identifier itself, and may name people who are not (or no longer) prospects.
"""

import contextlib
import uuid

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.utils.translation import gettext_lazy as _

from socialcrm.lib.fields import EncryptedTextField


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
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
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


class AppendOnlyError(Exception):
    """Consent events are evidence: they are never changed or removed through the app."""


# The one way round the append-only rule: a data-subject erasure (GDPR art. 17). It is a
# transaction-local PostgreSQL setting that the trigger of migration 0005 checks, so it ends
# with the transaction and a forgotten reset cannot leak into the next request.
ERASURE_SETTING = "socialcrm.erasure"


def _erasure_setting() -> str:
    if connection.vendor != "postgresql":
        return getattr(connection, "_socialcrm_erasure", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [ERASURE_SETTING])
        return cursor.fetchone()[0] or ""


def _set_erasure(value: str) -> None:
    if connection.vendor != "postgresql":
        connection._socialcrm_erasure = value
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [ERASURE_SETTING, value])


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
    """``on_delete`` for evidence the database deletes with its parent, ``ON DELETE CASCADE``.

    On PostgreSQL the foreign key cascades (migration 0006) and the append-only trigger
    lets those deletes through, and them alone: the ORM neither reads nor deletes the
    rows, and a prospect's deletion costs no statement per prospect. Elsewhere (SQLite,
    development) the ORM cascades as usual.
    """
    if connections[using].vendor != "postgresql":
        models.CASCADE(collector, field, sub_objs, using)


# The sub-objects are not evaluated before the call: on PostgreSQL nothing reads them.
cascade_in_database.lazy_sub_objs = True


class ConsentEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("consent events are append-only")

    def delete(self):
        if not erasure_in_progress():
            raise AppendOnlyError("consent events are append-only")
        return super().delete()


class ConsentEvent(models.Model):
    """One grant or withdrawal, with what proves it (GDPR art. 7(1))."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    prospect = models.ForeignKey(
        "prospects.Prospect", on_delete=cascade_in_database, related_name="consent_events"
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    action = models.CharField(max_length=16, choices=ConsentAction.choices)
    purpose = models.CharField(max_length=200, blank=True)
    evidence = models.CharField(max_length=32, choices=Evidence.choices)
    # What the person did, where, and the wording they were shown: personal data, encrypted.
    proof = EncryptedTextField(blank=True, default="")
    wording_shown = EncryptedTextField(blank=True, default="")
    captured_by = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

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
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("consent events are append-only")


class Decision(models.TextChoices):
    ALLOW = "allow", _("Allowed")
    DENY = "deny", _("Denied")


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    REFUSED = "refused", _("Refused the call")


class OutreachAttempt(models.Model):
    """Every outreach a rep logged, allowed or denied, with the gate's decision.

    Kept as evidence for ``EVIDENCE_RETENTION_DAYS`` (RULES 19). The app never
    sends anything itself: it records what a person did on their own account.
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
    created_at = models.DateTimeField(db_index=True)
    replied_at = models.DateTimeField(null=True, blank=True)

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
