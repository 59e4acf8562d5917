"""Prospects: natural persons found through employees' social accounts.

Personal values are encrypted at rest (``EncryptedTextField``); each
identifier has a blind-index column next to it for exact-match lookups
(duplicates, the suppression list, data-subject requests).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.fields import BoundedDateField, BoundedDateTimeField, EncryptedTextField
from people.models import Employee, Network, SocialAccount


class Kind(models.TextChoices):
    B2B = "b2b", _("Professional (B2B)")
    B2C = "b2c", _("Consumer (B2C)")


class Provenance(models.TextChoices):
    PRE_HIRE = "pre_hire", _("Rep's network from before the hire")
    EMPLOYMENT = "employment", _("Gathered during employment")
    COMPANY = "company", _("Company data")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    CONTRACT = "contract", _("Contract")


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Contact details public")
    RESTRICTED = "restricted", _("Contact details restricted by the person")


class Prospect(models.Model):
    # Client-generated so the encryption's associated data can name the row before insert.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by prospect_owner_recent (owner first): every index is rewritten when a row
    # moves to another owner (offboarding), so no second index leads with the owner.
    owner = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="prospects", db_index=False
    )
    # Its index is mostly NULLs, deduplicated to almost nothing: PostgreSQL counts the
    # table through it (the DPO's list total at 1M rows), and keeping it costs little.
    social_account = models.ForeignKey(
        SocialAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="prospects"
    )
    full_name = EncryptedTextField(_("full name"))
    # Keyed hashes of the name's words (see prospects.rules.name_tokens): exact-word search
    # on an encrypted name.
    name_tokens = models.TextField(blank=True, default="", editable=False)
    company = EncryptedTextField(_("company"), max_length=200, blank=True, default="")
    # Keyed hashes of the company's words and their prefixes (prospects.rules.company_tokens):
    # the list's search on an encrypted company.
    company_tokens = models.TextField(blank=True, default="", editable=False)
    # Searched nowhere: no index of it is kept.
    job_title = EncryptedTextField(_("job title"), max_length=200, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices, default=Kind.B2B)
    email = EncryptedTextField(_("e-mail"), null=True, blank=True)
    # NULL (not "") when absent, so the partial unique constraints skip it.
    email_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    phone = EncryptedTextField(_("phone"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    profile_url = EncryptedTextField(_("profile URL"), null=True, blank=True)
    profile_url_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    network = models.CharField(_("network"), max_length=16, choices=Network.choices, blank=True)
    provenance = models.CharField(_("provenance"), max_length=16, choices=Provenance.choices)
    source = models.CharField(_("source"), max_length=32, default="manual")
    collected_at = BoundedDateTimeField(_("collected at"))
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=32, choices=LawfulBasis.choices, blank=True
    )
    contributed = models.BooleanField(_("contributed to the company"), default=False)
    contributed_at = BoundedDateTimeField(null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    # RULES 25: the notes hold words of a special category of data (GDPR art. 9–10). Set by
    # the services whenever notes are written, so the DPO's dashboard counts flagged notes
    # without decrypting any. A database default too: the import writes rows by COPY.
    notes_flagged = models.BooleanField(
        _("notes may hold special categories of data"), default=False, db_default=False
    )
    profile_visibility_at_collection = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # RULES 24: an e-mail address only the person's connections could see (LinkedIn's
    # Connections.csv) is not used under legitimate interest. A database default too:
    # the import writes rows by COPY.
    email_restricted = models.BooleanField(
        _("e-mail visible to connections only"), default=False, db_default=False
    )
    # RULES 15: the language the art. 14 notice is written in.
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default="fr", db_default="fr"
    )
    last_contact_from_prospect_at = BoundedDateTimeField(null=True, blank=True)
    retention_until = BoundedDateField(null=True, blank=True)
    notice_due_at = BoundedDateTimeField(null=True, blank=True)
    notice_sent_at = BoundedDateTimeField(null=True, blank=True)
    # GDPR art. 18: set when a DSAR restriction request is accepted; the gate blocks outreach.
    processing_restricted_at = BoundedDateTimeField(
        _("processing restricted at"), null=True, blank=True
    )
    # The earliest open follow-up's date (prospects.followups keeps it), None when none.
    next_follow_up_on = BoundedDateField(_("next follow-up"), null=True, blank=True, editable=False)
    # When the owner's side last reached the person: the latest outreach the gate allowed
    # (consent.services.outreach_log keeps it), so the list shows and sorts by it.
    last_outreach_at = BoundedDateTimeField(
        _("last contact"), null=True, blank=True, editable=False
    )
    # A default rather than auto_now_add: the import gives each row its own instant, a
    # microsecond apart in the file's order, and an auto_now_add would overwrite it.
    created_at = BoundedDateTimeField(default=timezone.now, editable=False)
    updated_at = BoundedDateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            # Duplicate detection (409 "duplicate") relies on one prospect per identifier.
            models.UniqueConstraint(
                fields=["email_index"],
                condition=Q(email_index__isnull=False),
                name="prospect_unique_email",
            ),
            models.UniqueConstraint(
                fields=["profile_url_index"],
                condition=Q(profile_url_index__isnull=False),
                name="prospect_unique_profile_url",
            ),
            # Only pre-hire contacts can be contributed by their rep.
            models.CheckConstraint(
                condition=Q(contributed=False) | Q(provenance="pre_hire"),
                name="prospect_contributed_is_pre_hire",
            ),
        ]
        indexes = [
            # The rep's "My prospects" list: owner, newest first.
            models.Index(fields=["owner", "-created_at"], name="prospect_owner_recent"),
            # The DPO's and admins' list of everyone: the default ordering, walked in order
            # (without it, a page at 1M rows sorted the whole table).
            models.Index(fields=["-created_at", "id"], name="prospect_recent"),
            # The list's sorts (prospects.selectors.LIST_SORTS), each walked in order at 1M
            # rows. Not led by the owner: see ``owner``. The last-contact sort's index
            # (never-contacted last) is PostgreSQL's only: migration 0016.
            models.Index(fields=["collected_at", "id"], name="prospect_collected"),
            models.Index(fields=["next_follow_up_on", "id"], name="prospect_next_follow_up"),
            # Looked up by value only: rows without a phone (most imports) stay out.
            models.Index(
                fields=["phone_index"],
                condition=Q(phone_index__isnull=False),
                name="prospect_phone_index",
            ),
        ]

    def __str__(self):
        return str(self.pk)


class ValueHistory(models.Model):
    """One entry per value written on a prospect: which field, with which provenance, by whom.

    The value itself is not copied here (it stays encrypted on the prospect);
    the latest entry of a field tells the provenance of its current value, so
    offboarding and the DPO can split a record's values by provenance.
    """

    # Indexed by history_latest (prospect first): a second index would only slow the
    # import, which writes four or five entries per prospect.
    prospect = models.ForeignKey(
        Prospect, on_delete=models.CASCADE, related_name="history", db_index=False
    )
    field = models.CharField(max_length=64)
    provenance = models.CharField(max_length=16, choices=Provenance.choices)
    source = models.CharField(max_length=32)
    recorded_at = BoundedDateTimeField()
    recorded_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(fields=["prospect", "field", "-recorded_at"], name="history_latest")
        ]

    def __str__(self):
        return f"{self.field} ({self.provenance})"


class ProspectTally(models.Model):
    """How many prospects there are, kept by PostgreSQL itself (migration 0009).

    Statement triggers on ``prospects_prospect`` add the rows each INSERT or COPY
    wrote and subtract the rows each DELETE removed (cascades included); a TRUNCATE
    empties the tally. The total is the sum over the slots: each connection adds to
    slot ``pid % 16``, so concurrent imports do not queue on one row. Lists of every
    prospect read their page total here instead of counting a million rows per page
    (``prospects.selectors.prospect_total``). Unused, and empty, on SQLite.
    """

    slot = models.SmallIntegerField(primary_key=True)
    rows = models.BigIntegerField()

    def __str__(self):
        return f"{self.slot}: {self.rows}"


class ProspectUserObjectPermission(UserObjectPermissionBase):
    """A prospect shared with one colleague (guardian, direct foreign key).

    A real foreign key rather than guardian's generic table: the visibility
    selector filters through an indexed id subquery, and a deleted prospect
    takes its shares with it.
    """

    # Guardian finds this table through the reverse relation: it must not be hidden ("+").
    content_object = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="shares")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("prospect share")


class FollowUp(models.Model):
    """A follow-up a rep plans on a prospect: "follow up on 12 Dec", with a note.

    ``Prospect.next_follow_up_on`` mirrors the earliest open one (``prospects.followups``
    keeps it), so the list shows and sorts by it without a subquery per row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by followup_open_prospect (prospect first).
    prospect = models.ForeignKey(
        Prospect, on_delete=models.CASCADE, related_name="follow_ups", db_index=False
    )
    # Who follows up: the rep whose day it fills. Indexed by followup_open_owner.
    owner = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="follow_ups", db_index=False
    )
    due_on = BoundedDateField(_("follow up on"))
    # Free text about a person: sealed like the prospect's notes.
    note = EncryptedTextField(_("note"), max_length=500, blank=True, default="")
    done_at = BoundedDateTimeField(_("done at"), null=True, blank=True)
    created_at = BoundedDateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "created_at", "id"]
        indexes = [
            # The rep's "Today": their open follow-ups, earliest first.
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_at__isnull=True),
                name="followup_open_owner",
            ),
            # The prospect's open follow-ups (its next one, its Contact panel).
            models.Index(
                fields=["prospect", "due_on"],
                condition=Q(done_at__isnull=True),
                name="followup_open_prospect",
            ),
        ]

    def __str__(self):
        return f"{self.due_on} ({self.pk})"


class SavedFilter(models.Model):
    """A list query a user keeps under a name ("my overdue notices"), shown above their list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_prospect_filters"
    )
    name = models.CharField(_("name"), max_length=80)
    # The list's query string (``q=mor&sort=-collected_at``), without the page: it may
    # hold search words, so it is the user's own and never shown to anyone else.
    query = models.CharField(max_length=1000)
    created_at = BoundedDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Saving under a name already used replaces that filter (prospects.views).
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name"),
        ]

    def __str__(self):
        return self.name


class NoticeMethod(models.TextChoices):
    MAIL = "mail", _("E-mail sent outside the CRM")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other means")


class NoticeDelivery(models.Model):
    """How the art. 14 notice reached the person outside the messages logged in the CRM
    ("mark sent by…"), with its evidence; ``prospects.notices`` writes it.

    One per prospect: the notice is given once, and a second mark changes nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    prospect = models.OneToOneField(
        Prospect, on_delete=models.CASCADE, related_name="notice_delivery"
    )
    method = models.CharField(_("sent by"), max_length=16, choices=NoticeMethod.choices)
    sent_on = BoundedDateField(_("sent on"))
    # What proves it (a sent-mail reference, a registered-letter number): free text about
    # a person, sealed like the prospect's notes.
    evidence = EncryptedTextField(_("evidence"), max_length=500)
    recorded_at = BoundedDateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # The form offers these only; the DPO's evidence review relies on it.
            models.CheckConstraint(
                condition=Q(method__in=NoticeMethod.values), name="notice_delivery_method_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.sent_on}"
