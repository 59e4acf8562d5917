"""Writes on the consent registry: atomic, audited, append-only."""

import dataclasses
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from consent import gate, notice, optout, sending
from consent.facts import ProspectNotVisible, gather_facts
from consent.models import (
    GRANTING,
    NOT_CONSENT,
    OBJECTING,
    ConsentAction,
    ConsentEvent,
    Decision,
    Evidence,
    OutreachAttempt,
    RemovalReason,
    RemovedRecord,
    consent_erasure,
)
from content.selectors import vouches_for
from content.services import content_use_record
from core import crypto
from mail.models import OutgoingMail
from prospects.rules import retention_restarted
from suppression.models import SCOPE_ALL, Channel, Opposition, OppositionSource
from webhooks.services import emit as emit_webhook

logger = logging.getLogger(__name__)


class InvalidConsentEvidence(ValidationError):
    """Only a real opt-in act grants consent (RULES 6): not a reaction, not an opt-out."""

    code = "invalid_consent_evidence"


IDENTIFIER_TYPES = ("email", "phone", "profile_url")


def _check_grant(*, evidence: str, purpose: str, wording_shown: str) -> None:
    """RULES 6: a grant rests on an opt-in act, and states what the person agreed to and how."""
    if evidence not in GRANTING:
        message = (
            _("a like, a follow or an accepted connection is not consent")
            if evidence in NOT_CONSENT
            else _("an opt-out or a request not to be contacted cannot grant consent")
        )
        raise InvalidConsentEvidence({"evidence": message}, code="invalid_consent_evidence")
    missing = {
        field: _("state it: a consent must be provable (GDPR art. 7(1))")
        for field, value in (("purpose", purpose), ("wording_shown", wording_shown))
        if not (value or "").strip()
    }
    if missing:
        raise ValidationError(missing, code="required")


@transaction.atomic
def consent_record(
    *,
    actor,
    captured_by,
    prospect,
    channel: str,
    action: str,
    evidence: str,
    purpose: str = "",
    proof: str = "",
    wording_shown: str = "",
    occurred_at=None,
) -> ConsentEvent:
    if action == ConsentAction.GRANT:
        _check_grant(evidence=evidence, purpose=purpose, wording_shown=wording_shown)
    event = ConsentEvent(
        prospect=prospect,
        channel=channel,
        action=action,
        evidence=evidence,
        purpose=purpose,
        proof=proof,
        wording_shown=wording_shown,
        captured_by=captured_by,
        occurred_at=occurred_at or timezone.now(),
    )
    event.full_clean(exclude=["prospect", "captured_by"])
    event.save()
    if action == ConsentAction.GRANT:
        # A consent is contact coming from the person: it restarts the retention clock.
        _restart_retention(prospect, event.occurred_at)
    events.created(actor=actor, obj=event, fields=["channel", "action", "evidence"])
    if action == ConsentAction.WITHDRAW and evidence in OBJECTING:
        # RULES 2: "do not contact me" is an objection on that channel, for the person.
        for identifier_type, index in _identifier_indexes_of(prospect):
            _suppress(
                actor=actor,
                given=(identifier_type, index),
                scope=channel,
                source=OppositionSource.PROSPECT_REQUEST,
                already_withdrawn=prospect.pk,
            )
    emit_webhook(
        "consent.changed",
        {"consent_id": event.pk, "prospect_id": prospect.pk, "employee_id": event.captured_by_id},
        personal=lambda: {"channel": channel, "action": action, "email": prospect.email},
    )
    return event


# What the notice says depends on these; the gate's row leaves them deferred.
_NOTICE_FIELDS = ("language", "network", "source", "lawful_basis")


def _notice_facts(prospect) -> dict:
    if prospect is None:
        return {}
    deferred = prospect.get_deferred_fields() & set(_NOTICE_FIELDS)
    if deferred:
        prospect.refresh_from_db(fields=sorted(deferred))
    return {field: getattr(prospect, field) for field in _NOTICE_FIELDS}


class NoteTooLong(ValidationError):
    """A connection request's note that does not fit the network's invitation as sent.

    ``notice_too_long`` when it is the appended short notice that makes it too long (the
    short notice is given, so the rep can see how much room is left), ``note_too_long``
    when no notice is appended. A 400 naming ``content`` with ``code``, ``limit``,
    ``length`` and ``short_notice`` (empty without a notice).
    """

    def __init__(self, *, length: int, limit: int, short_notice: str = ""):
        messages = [
            _(
                "The note with its short information notice is %(length)d characters "
                "long; an invitation holds %(limit)d: shorten it by %(excess)d."
            )
            % {"length": length, "limit": limit, "excess": length - limit}
        ]
        if short_notice:
            messages.append(
                _("The short notice appended to it: %(notice)s") % {"notice": short_notice}
            )
        code = "notice_too_long" if short_notice else "note_too_long"
        super().__init__({"content": messages}, code=code)
        self.code = code
        self.length = length
        self.limit = limit
        self.short_notice = short_notice

    def as_body(self) -> dict:
        return {
            "code": self.code,
            **self.message_dict,
            "limit": self.limit,
            "length": self.length,
            "short_notice": self.short_notice,
        }


def _objection_url(prospect, channel: str, *, store: bool) -> str | None:
    """The person's one-click link for this channel; None without a known prospect, or
    without the key to sign it: the gate then fails closed too (``gate_error``), so no
    message goes out with that text."""
    if prospect is None:
        return None
    try:
        return optout.objection_url(prospect=prospect, channel=channel, store=store)
    except crypto.KeyConfigurationError:
        return None


def final_content_of(
    content: str,
    *,
    append_notice: bool,
    channel: str,
    prospect=None,
    social_account=None,
    store_link: bool = True,
) -> str:
    """The message as it will be sent: with the art. 14 notice appended where it is due
    (RULES 15), in the prospect's language, carrying the person's one-click objection
    link for this channel when the prospect is known; a call or a bare invitation
    carries none.

    A connection request's note that does not fit the network's invitation once its
    short notice is appended is refused (``NoteTooLong`` on ``content``), never cut.
    ``store_link=False`` (the check) shows the same link without writing it: the gate's
    check reads only; the log stores it.
    """
    carries = notice.carries_notice(channel=channel, content=content, append_notice=append_notice)
    if not carries and channel != "connection_request":
        return content
    facts = _notice_facts(prospect)
    final = content
    appended = ""
    if carries:
        link = _objection_url(prospect, channel, store=store_link)
        appended = notice.notice_for(channel=channel, objection_url=link, **facts)
        final = notice.with_notice(content, appended)
    if channel == "connection_request":
        network = getattr(social_account, "network", "") or facts.get("network", "")
        try:
            notice.check_note_length(final, network=network)
        except notice.NoteTooLong as exc:
            raise NoteTooLong(length=exc.length, limit=exc.limit, short_notice=appended) from None
    return final


def outreach_check(*, now=None, content_version=None, **inputs):
    """The gate's decision and the prospect it was taken on. Any failure is a denial.

    ``inputs`` are those of ``consent.facts.gather_facts``. ``content_version``: the
    library version the rep picked; when the text is exactly that approved, current
    version, the content check passes by construction (RULES 17). A connection note too
    long for the invitation once its notice is appended is refused (ValidationError on
    ``content``), at the check as at the log.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            facts, prospect = gather_facts(now=now, **inputs)
            if content_version is not None:
                approved = vouches_for(
                    version=content_version,
                    content=inputs.get("content", ""),
                    channel=inputs["channel"],
                    today=timezone.localdate(now),
                )
                facts = dataclasses.replace(facts, approved_content=approved)
    except ProspectNotVisible:
        raise
    except Exception:
        logger.exception("gate: gathering facts failed; denying")
        return gate.gate_error(), None
    if inputs["channel"] == "connection_request":
        # Only an invitation's note can be too long with its notice: other channels skip
        # building a text the check does not show.
        final_content_of(
            inputs.get("content", ""),
            append_notice=inputs.get("append_notice", True),
            channel=inputs["channel"],
            prospect=prospect,
            social_account=inputs.get("social_account"),
            store_link=False,
        )
    return gate.decide(facts), prospect


@transaction.atomic
def outreach_log(
    *,
    actor,
    content_version=None,
    outcome: str = "",
    send: bool = False,
    subject: str = "",
    **inputs,
) -> OutreachAttempt:
    """Run the gate and log the attempt, allowed or denied (both are evidence).

    ``inputs`` are those of ``consent.facts.gather_facts`` (without ``now``); the library
    version used, if any, is linked to the attempt (``content.ContentUse``). ``outcome``:
    how a phone call went (a refusal pauses calls, RULES 7).

    ``send``: the app sends the e-mail itself (``consent.sending``), queued with the
    attempt when the gate allows it; a denied attempt sends nothing. ValidationError
    naming ``send``, nothing logged, when sending is off, the channel is not e-mail or the
    prospect has no address.
    """
    if send:
        visible = inputs["prospects"].filter(pk=inputs["prospect_id"]).first()
        if visible is None:
            raise ProspectNotVisible
        sending.check_sendable(channel=inputs["channel"], prospect=visible)
    now = timezone.now()
    decision, prospect = outreach_check(now=now, content_version=content_version, **inputs)
    content = inputs.get("content", "")
    append_notice = inputs.get("append_notice", True)
    if prospect is None:
        # The gate failed before reading the prospect: log against the visible row if any.
        prospect = inputs["prospects"].filter(pk=inputs["prospect_id"]).first()
    final_content = final_content_of(
        content,
        append_notice=append_notice,
        channel=inputs["channel"],
        prospect=prospect,
        social_account=inputs.get("social_account"),
    )
    attempt = OutreachAttempt(
        prospect=prospect,
        employee=inputs["employee"],
        social_account=inputs.get("social_account"),
        channel=inputs["channel"],
        content=content,
        final_content=final_content if decision.allowed else "",
        append_notice=append_notice,
        relates_to_profession=inputs.get("relates_to_profession", True),
        analogous_products=inputs.get("analogous_products", False),
        about_contract=inputs.get("about_contract", False),
        outcome=outcome,
        decision=decision.decision,
        reasons=[{"code": r.code, "severity": r.severity} for r in decision.reasons],
        rules_version=decision.rules_version,
        created_at=now,
    )
    if send and decision.allowed and prospect is not None:
        attempt.mail = sending.outreach_mail_queue(
            prospect=prospect,
            employee=inputs["employee"],
            final_content=final_content,
            subject=subject,
        )
    attempt.save()
    if content_version is not None:
        content_use_record(attempt=attempt, version=content_version, content=content)
    if (
        decision.allowed
        and notice.carries_notice(
            channel=inputs["channel"], content=content, append_notice=append_notice
        )
        and prospect is not None
        and prospect.notice_sent_at is None
    ):
        type(prospect).objects.filter(pk=prospect.pk, notice_sent_at__isnull=True).update(
            notice_sent_at=now
        )
    if decision.allowed and prospect is not None:
        # The prospects list's "last contact" column.
        type(prospect).objects.filter(pk=prospect.pk).update(last_outreach_at=now)
    events.record(
        actor=actor,
        action=f"outreach.{decision.decision}",
        obj=attempt,
        fields=[r.code for r in decision.reasons],
    )
    attempt.decision_detail = decision
    return attempt


class OutreachNotSent(Exception):
    """A reply recorded on an attempt the gate denied: that message was never sent."""

    code = "not_sent"


@transaction.atomic
def outreach_reply(*, actor, attempt: OutreachAttempt, replied_at=None) -> OutreachAttempt:
    """The prospect answered a message we sent: it restarts the retention clock (RULES 18)
    and the unanswered counter (RULES 10).

    Only an allowed attempt was sent: a denied one raises ``OutreachNotSent`` and changes
    nothing. A reply counts once per message: recording it again changes nothing (the
    first ``replied_at`` stays, the clock does not move).
    """
    replied_at = replied_at or timezone.now()
    # One conditional UPDATE claims the reply: two clicks at once record it once.
    claimed = OutreachAttempt.objects.filter(
        pk=attempt.pk, decision=Decision.ALLOW, replied_at__isnull=True
    ).update(replied_at=replied_at)
    if not claimed:
        attempt.refresh_from_db(fields=["decision", "replied_at"])
        if attempt.decision != Decision.ALLOW:
            raise OutreachNotSent
        return attempt
    attempt.replied_at = replied_at
    prospect = attempt.prospect
    if prospect is not None:
        prospects = type(prospect).objects.filter(pk=prospect.pk)
        prospects.filter(
            Q(last_contact_from_prospect_at__isnull=True)
            | Q(last_contact_from_prospect_at__lt=replied_at)
        ).update(last_contact_from_prospect_at=replied_at, updated_at=timezone.now())
        _restart_retention(prospect, replied_at)
        prospect.refresh_from_db(fields=["last_contact_from_prospect_at", "updated_at"])
    events.record(actor=actor, action="outreach.replied", obj=attempt)
    return attempt


def _restart_retention(prospect, contact_at) -> None:
    """Contact coming from the person restarts the clock, forward only (RULES 18)."""
    until = retention_restarted(None, contact_at, settings.PROSPECT_RETENTION_DAYS)
    type(prospect).objects.filter(pk=prospect.pk).filter(
        Q(retention_until__isnull=True) | Q(retention_until__lt=until)
    ).update(retention_until=until)
    prospect.refresh_from_db(fields=["retention_until"])


@dataclasses.dataclass(frozen=True)
class Objection:
    """What registering one objection did (RULES 1)."""

    opposition: Opposition  # the entry of the identifier given
    created: bool  # anything new went on the list
    identifiers_suppressed: int  # the identifier given and every one held on matching records


@transaction.atomic
def objection_register(
    *, actor, identifier_type: str, value: str, scope: str, source: str
) -> Objection:
    """The person objects (RULES 1, 21): the identifier given and every identifier held on
    each prospect matching it go on the suppression list with this scope, as keyed hashes.

    Idempotent: registering it again adds nothing and answers the same. Matching prospects'
    consents on the channels concerned are withdrawn. ``ValueError`` on an unreadable value.
    """
    index = crypto.blind_index(identifier_type, value)
    return _suppress(
        actor=actor,
        given=(identifier_type, index),
        scope=scope,
        source=source,
        personal=lambda: {"identifier_type": identifier_type, "value": value, "scope": scope},
    )


def opposition_register(
    *, actor, identifier_type: str, value: str, scope: str, source: str
) -> tuple[Opposition, bool]:
    """``objection_register`` as (the given identifier's entry, whether anything was added)."""
    objection = objection_register(
        actor=actor, identifier_type=identifier_type, value=value, scope=scope, source=source
    )
    return objection.opposition, objection.created


def _identifier_indexes_of(prospect) -> list[tuple[str, str]]:
    return [
        (identifier_type, index)
        for identifier_type in IDENTIFIER_TYPES
        if (index := getattr(prospect, f"{identifier_type}_index", None))
    ]


def _suppress(
    *,
    actor,
    given: tuple[str, str],
    scope: str,
    source: str,
    personal=None,
    already_withdrawn=None,
    evidence: str = Evidence.REQUEST,
) -> Objection:
    """``evidence``: how the person objected, carried by the consent withdrawals it records
    (``request``; ``opt_out_link`` when they clicked their one-click link)."""
    from prospects.models import Prospect

    identifier_type, index = given
    matching = list(
        Prospect.objects.filter(**{f"{identifier_type}_index": index}).values_list(
            "pk", "email_index", "phone_index", "profile_url_index"
        )
    )
    wanted = {given}
    for _pk, *indexes in matching:
        wanted.update(
            (kind, value) for kind, value in zip(IDENTIFIER_TYPES, indexes, strict=True) if value
        )
    condition = Q(pk__in=[])
    for kind, value in wanted:
        condition |= Q(identifier_type=kind, identifier_index=value)
    present = {
        (o.identifier_type, o.identifier_index): o
        for o in Opposition.objects.filter(condition, scope=scope)
    }
    missing = sorted(wanted - set(present))
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Two objections at once: the unique constraint keeps one entry per (identifier, scope).
    Opposition.objects.bulk_create(
        [
            Opposition(
                identifier_type=kind,
                identifier_index=value,
                scope=scope,
                source=source,
                created_by=user,
            )
            for kind, value in missing
        ],
        ignore_conflicts=True,
    )
    if missing:
        present = {
            (o.identifier_type, o.identifier_index): o
            for o in Opposition.objects.filter(condition, scope=scope)
        }
    opposition = present[given]
    if missing:
        channels = [c for c in Channel.values if scope in (SCOPE_ALL, c)]
        now = timezone.now()
        withdrawals = [
            ConsentEvent(
                prospect_id=pk,
                channel=channel,
                action=ConsentAction.WITHDRAW,
                evidence=evidence,
                purpose="objection",
                occurred_at=now,
            )
            for pk, *_indexes in matching
            if pk != already_withdrawn
            for channel in channels
        ]
        ConsentEvent.objects.bulk_create(withdrawals)
        for kind, value in missing:
            events.record(
                actor=actor,
                action="opposition.registered",
                obj=present[(kind, value)],
                fields=[kind],
            )
        emit_webhook(
            "opposition.created",
            {
                "opposition_id": opposition.pk,
                "prospect_ids": sorted({str(pk) for pk, *_indexes in matching}),
            },
            personal=personal,
        )
    return Objection(
        opposition=opposition, created=bool(missing), identifiers_suppressed=len(wanted)
    )


@transaction.atomic
def prospect_object(*, actor, prospect, evidence: str = Evidence.REQUEST) -> list[Opposition]:
    """The person objects to any contact: every identifier goes on the suppression list,
    with every identifier held on the records that share one of them (RULES 1).

    ``evidence``: how they objected (``request``: they asked; ``opt_out_link``: they
    clicked their one-click link), carried by the consent withdrawals recorded.
    """
    registered = [
        _suppress(
            actor=actor,
            given=pair,
            scope=SCOPE_ALL,
            source=OppositionSource.PROSPECT_REQUEST,
            evidence=evidence,
        ).opposition
        for pair in _identifier_indexes_of(prospect)
    ]
    if not registered:
        # No identifier to hash: the objection lives on as withdrawals on every channel.
        ConsentEvent.objects.bulk_create(
            ConsentEvent(
                prospect=prospect,
                channel=channel,
                action=ConsentAction.WITHDRAW,
                evidence=evidence,
                purpose="objection",
                occurred_at=timezone.now(),
            )
            for channel in Channel.values
        )
    events.record(actor=actor, action="prospect.objected", obj=prospect)
    return registered


@transaction.atomic
def objection_link_use(*, link) -> bool:
    """The person clicked their one-click objection link (RULES 1, 2, 15): they object to
    any contact, on every identifier held on them and on the records sharing one, with
    consent withdrawals carrying ``opt_out_link``. No user acts: the token is the capability.

    Whether anything was recorded: a link used before, or whose record is gone, records
    nothing (the person sees the same thanks either way).
    """
    link = type(link).objects.select_for_update().get(pk=link.pk)
    if link.prospect_id is None or link.used_at is not None:
        return False
    from prospects.models import Prospect

    prospect = Prospect.objects.filter(pk=link.prospect_id).first()
    if prospect is None:
        return False
    prospect_object(actor="objection_link", prospect=prospect, evidence=Evidence.OPT_OUT_LINK)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return True


def opposition_list_import(*, actor, lines) -> tuple[int, list[tuple[int, str]]]:
    """Register each phone number of an opposition list file; bad lines are reported, not fatal."""
    added, errors = 0, []
    for number, raw in enumerate(lines, start=1):
        value = raw.strip()
        if not value:
            continue
        try:
            _opposition, created = opposition_register(
                actor=actor,
                identifier_type="phone",
                value=value,
                scope="phone",
                source="opposition_list",
            )
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        added += created
    return added, errors


# --- Evidence that outlives its record (RULES 19) -------------------------------------------

_UPDATE_CHUNK = 500


@transaction.atomic
def prospect_delete(*, actor, prospect) -> None:
    """A rep's (or the DPO's) delete: the prospect goes with its value history and shares;
    its consent events and outreach log stay as evidence, without its values (RULES 19).

    The one way a single record is deleted; it lives here, above ``prospects``, because
    the evidence it keeps is this app's.
    """
    events.deleted(actor=actor, obj=prospect)
    evidence_keep(prospect_ids=[prospect.pk], reason=RemovalReason.DELETED)
    prospect.delete()


def evidence_keep(*, prospect_ids, reason: str, removed_at=None) -> dict[str, int]:
    """Before these prospects are deleted: keep their evidence, without their values.

    The one way every removal goes (a rep's delete, the retention purge, the offboarding
    purge). Their consent events stay as they are: the foreign key sets ``prospect`` to
    NULL when the prospect goes (``ON DELETE SET NULL``, migration 0009). Their outreach
    attempts stay too, unlinked the same way, with both texts emptied (they were written
    to the person). A ``RemovedRecord`` per prospect holds the keyed hashes of its
    identifiers, so an erasure request still finds the evidence, and starts the evidence
    period. A few statements per batch, none per prospect. Call it in the deleting
    transaction.
    """
    from prospects.models import Prospect

    ids = list(prospect_ids)
    if not ids:
        return {"consent_events_kept": 0, "outreach_minimised": 0}
    removed_at = removed_at or timezone.now()
    RemovedRecord.objects.bulk_create(
        [
            RemovedRecord(
                prospect_ref=pk,
                reason=reason,
                email_index=email or "",
                phone_index=phone or "",
                profile_url_index=profile_url or "",
                removed_at=removed_at,
            )
            for pk, email, phone, profile_url in Prospect.objects.filter(pk__in=ids).values_list(
                "pk", "email_index", "phone_index", "profile_url_index"
            )
        ],
        # A batch replayed after a lost connection: the first removal date stands.
        ignore_conflicts=True,
    )
    return {
        "consent_events_kept": ConsentEvent.objects.filter(prospect_id__in=ids).count(),
        "outreach_minimised": outreach_contents_empty(
            OutreachAttempt.objects.filter(prospect_id__in=ids).values_list("id", flat=True)
        ),
    }


def outreach_contents_empty(attempt_ids) -> int:
    """Replace both texts of these attempts by an empty value, sealed for each row."""
    ids = list(attempt_ids)
    emptied = 0
    # One UPDATE per chunk keeps the statement well under PostgreSQL's parameter limit.
    for start in range(0, len(ids), _UPDATE_CHUNK):
        chunk = ids[start : start + _UPDATE_CHUNK]
        columns = {name: _sealed_empty_by_row(name, chunk) for name in ("content", "final_content")}
        # The e-mail the app sent for an attempt holds the same text and the address: it
        # goes too (one still queued for a removed person is then never sent).
        OutgoingMail.objects.filter(
            pk__in=OutreachAttempt.objects.filter(pk__in=chunk, mail__isnull=False).values(
                "mail_id"
            )
        ).delete()
        emptied += OutreachAttempt.objects.filter(pk__in=chunk).update(**columns)
    return emptied


def _sealed_empty_by_row(name: str, ids) -> Case:
    # Sealed per row: the encryption binds each value to its table, column and id.
    column = OutreachAttempt._meta.get_field(name)
    return Case(
        *[When(pk=pk, then=Value(column.seal("", pk=pk))) for pk in ids],
        output_field=models.TextField(),
    )


def removed_evidence_erase(*, prospect_refs=(), indexes) -> int:
    """An erasure request (RULES 22) removes the kept evidence of the person's removed
    records: those given, and those whose keyed hashes match ``indexes``, (type, index)
    pairs (a person may have several e-mails).

    Call it inside the erasure's transaction. Returns the consent events removed.
    """
    condition = Q(pk__in=list(prospect_refs))
    for identifier_type, index in indexes:
        if identifier_type in IDENTIFIER_TYPES and index:
            condition |= Q(**{f"{identifier_type}_index": index})
    removed = RemovedRecord.objects.filter(condition)
    refs = set(removed.values_list("prospect_ref", flat=True)) | set(prospect_refs)
    with consent_erasure():
        erased, _detail = ConsentEvent.objects.filter(
            prospect__isnull=True, prospect_ref__in=refs
        ).delete()
    removed.delete()
    return erased
