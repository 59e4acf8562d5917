"""Writes on data-subject requests. Each is atomic and audited in the same transaction.

Intake (public form, DPO, an employee forwarding what reached their personal
account), the deadline and its one extension, identity verification (e-mailed
signed link, or a DPO decision), rejection, and execution: a Celery job per
request (``dsar.tasks.run_dsar``) that exports, erases, rectifies, restricts or
records an objection.
"""

import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import events
from consent.models import ConsentEvent, OutreachAttempt, consent_erasure
from core import crypto, urls
from core.dates import PARIS, in_past
from dsar import rules
from dsar.models import (
    DataSubjectRequest,
    DsarMail,
    EmployeeAttestation,
    Execution,
    MailPurpose,
    ReceivedVia,
    RequestType,
    Status,
    VerificationMethod,
)
from outbox import services as outbox
from people.models import Role
from people.selectors import employee_of, role_of
from prospects import rules as prospect_rules
from prospects.models import Prospect
from suppression.models import SCOPE_ALL, Opposition, OppositionSource
from webhooks.services import emit as emit_webhook

VERIFY_SALT = "dsar.verify"
DOWNLOAD_SALT = "dsar.download"
# Who is asked to remove the person from their own accounts after an erasure: those who had
# them in their network or contacted them, and colleagues the record was shared with.
ATTESTATION_REASONS = {"owner", "outreach", "shared"}
# Corrections a rectification may carry: the prospect's own values.
CORRECTABLE_FIELDS = prospect_rules.VALUE_FIELDS
IDENTIFIER_FIELDS = prospect_rules.IDENTIFIER_FIELDS
LANGUAGES = ("fr", "en")

logger = logging.getLogger(__name__)


class DsarRefused(Exception):
    """The request is in a state that does not allow this (HTTP 409), with a stable code."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _indexes(identifiers: dict) -> dict[str, str]:
    indexes, errors = prospect_rules.identifier_indexes(identifiers)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    if not indexes:
        raise ValidationError(
            {"identifier": [_("give at least one of: e-mail, phone, profile URL")]}
        )
    return indexes


def _clean_corrections(corrections) -> dict:
    if not corrections:
        return {}
    if not isinstance(corrections, dict):
        raise ValidationError({"corrections": [_("corrections are an object: field → value")]})
    unknown = sorted(set(corrections) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {"corrections": [_("these fields cannot be corrected: %s") % ", ".join(unknown)]}
        )
    cleaned = {key: ("" if value is None else str(value)) for key, value in corrections.items()}
    if cleaned.get("profile_url"):
        # Checked now, not when the correction is carried out: it becomes a link on the record.
        cleaned["profile_url"] = urls.with_assumed_scheme(cleaned["profile_url"])
        if not urls.is_http_url(cleaned["profile_url"]):
            raise ValidationError({"corrections": [urls.INVALID_MESSAGE]})
    return cleaned


@transaction.atomic
def dsar_create(
    *,
    actor,
    type: str,
    received_via: str,
    email: str | None = None,
    phone: str | None = None,
    profile_url: str | None = None,
    full_name: str = "",
    message: str = "",
    received_at=None,
    corrections=None,
    language: str = "fr",
    verify_url_builder=None,
) -> DataSubjectRequest:
    """Record a request; the deadline counts from receipt (RULES 20).

    ``public_form`` requests with an e-mail address get an e-mailed verification link
    (``verify_url_builder`` turns a token into an absolute URL); the others wait for
    the DPO's decision. No identifier is verified yet (RULES 22), so nothing is acted on:
    an objection goes on the suppression list the moment an identifier is proven (the
    link opened) or verified by the DPO — see ``_object_at_once``.
    """
    identifiers = {
        key: (value or "").strip() or None
        for key, value in (("email", email), ("phone", phone), ("profile_url", profile_url))
    }
    indexes = _indexes(identifiers)
    received_at = received_at or timezone.now()
    try:
        in_past(received_at)
    except ValidationError as exc:
        raise ValidationError({"received_at": exc.messages}) from None
    dsar = DataSubjectRequest(
        type=type,
        received_via=received_via,
        received_at=received_at,
        due_at=rules.due_at_for(received_at),
        full_name=(full_name or "").strip(),
        message=(message or "").strip(),
        corrections=json.dumps(_clean_corrections(corrections)) if corrections else "",
        language=language if language in LANGUAGES else "fr",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        forwarded_by=employee_of(actor) if received_via == ReceivedVia.EMPLOYEE_ACCOUNT else None,
    )
    for field, value in identifiers.items():
        setattr(dsar, field, value)
        setattr(dsar, f"{field}_index", indexes.get(field))
    dsar.save()
    events.created(actor=actor or "public", obj=dsar, fields=["type", "received_via"])
    if received_via == ReceivedVia.PUBLIC_FORM and dsar.email:
        # Without an e-mail address (phone or profile only) the DPO verifies by other means.
        _send_verification(dsar, verify_url_builder)
    return dsar


def verification_token(dsar: DataSubjectRequest) -> str:
    return signing.dumps(str(dsar.pk), salt=VERIFY_SALT)


def _send_verification(dsar: DataSubjectRequest, verify_url_builder) -> None:
    token = verification_token(dsar)
    url = (
        verify_url_builder(token) if verify_url_builder else _absolute("dsar-public-verify", token)
    )
    _mail_person(
        dsar,
        MailPurpose.VERIFICATION,
        {"url": url, "days": rules.VERIFY_LINK_DAYS},
    )
    dsar.status = Status.VERIFYING
    dsar.verification_sent_at = timezone.now()
    dsar.save(update_fields=["status", "verification_sent_at", "updated_at"])


def _absolute(name: str, *args) -> str:
    """A public page's address for a mail written outside any web request (the job)."""
    return settings.SITE_URL + reverse(name, args=args)


@transaction.atomic
def dsar_verify_link(*, token: str) -> DataSubjectRequest:
    """The person opened the e-mailed link: their identity (control of the address) is verified."""
    try:
        pk = signing.loads(token, salt=VERIFY_SALT, max_age=timedelta(days=rules.VERIFY_LINK_DAYS))
    except signing.BadSignature:
        raise ValidationError(_("this link is invalid or has expired")) from None
    dsar = DataSubjectRequest.objects.select_for_update().filter(pk=pk).first()
    if dsar is None:
        raise ValidationError(_("this link is invalid or has expired"))
    if dsar.is_open and (dsar.verified_at is None or "email" not in dsar.verified_identifiers):
        # Opening the link proves the e-mail address, and that one only (RULES 22).
        if dsar.verified_at is None:
            _mark_verified(dsar, method=VerificationMethod.EMAIL_LINK, by=None, note="")
        if dsar.email_index:
            _add_verified(dsar, ["email"])
        events.record(actor="public", action="dsar.verified", obj=dsar, fields=["email_link"])
        _object_at_once(actor="public", dsar=dsar)
    return dsar


@transaction.atomic
def dsar_verify(
    *, actor, dsar: DataSubjectRequest, note: str = "", identifiers=None
) -> DataSubjectRequest:
    """The DPO's decision that the requester is the person (with what was checked).

    ``identifiers``: the identifier types the DPO checked. By default, for a request the
    DPO recorded (post, e-mail, phone, an employee's account), every identifier recorded
    on it; for a public request none: its identifiers other than the e-mail proven by the
    link stay unverified until the DPO names them (RULES 22).
    """
    dsar = _locked(dsar)
    _require_open(dsar)
    if identifiers is None:
        identifiers = (
            [] if dsar.received_via == ReceivedVia.PUBLIC_FORM else _identifier_types(dsar)
        )
    identifiers = _clean_identifier_types(dsar, identifiers)
    if dsar.verified_at is None:
        _mark_verified(dsar, method=VerificationMethod.DPO_DECISION, by=actor, note=note)
        events.record(actor=actor, action="dsar.verified", obj=dsar, fields=["dpo_decision"])
    _verify_identifiers(actor=actor, dsar=dsar, identifiers=identifiers)
    return dsar


@transaction.atomic
def dsar_verify_identifiers(
    *, actor, dsar: DataSubjectRequest, identifiers, note: str = ""
) -> DataSubjectRequest:
    """The DPO verified that these identifiers (a phone, a profile URL) are the requester's."""
    dsar = _locked(dsar)
    _require_open(dsar)
    identifiers = _clean_identifier_types(dsar, identifiers)
    if not identifiers:
        raise ValidationError({"identifiers": [_("name the identifiers you verified")]})
    if note.strip():
        dsar.verification_note = "\n".join(
            part for part in (dsar.verification_note, note.strip()) if part
        )
        dsar.save(update_fields=["verification_note", "updated_at"])
    _verify_identifiers(actor=actor, dsar=dsar, identifiers=identifiers)
    return dsar


def _identifier_types(dsar) -> list[str]:
    return [field for field in IDENTIFIER_FIELDS if getattr(dsar, f"{field}_index")]


def _clean_identifier_types(dsar, identifiers) -> list[str]:
    if not isinstance(identifiers, list | tuple) or not all(
        isinstance(item, str) for item in identifiers
    ):
        raise ValidationError({"identifiers": [_("a list of: email, phone, profile_url")]})
    held = _identifier_types(dsar)
    unknown = sorted(set(identifiers) - set(held))
    if unknown:
        raise ValidationError(
            {
                "identifiers": [
                    _("this request holds no such identifier: %(names)s")
                    % {"names": ", ".join(unknown)}
                ]
            }
        )
    return [field for field in held if field in identifiers]


def _add_verified(dsar, identifiers) -> list[str]:
    added = [field for field in identifiers if field not in dsar.verified_identifiers]
    if added:
        dsar.verified_identifiers = [
            field
            for field in IDENTIFIER_FIELDS
            if field in dsar.verified_identifiers or field in added
        ]
        dsar.save(update_fields=["verified_identifiers", "updated_at"])
    return added


def _verify_identifiers(*, actor, dsar, identifiers) -> None:
    added = _add_verified(dsar, identifiers)
    if added:
        # The types only: the audit trail holds no personal value.
        events.record(actor=actor, action="dsar.identifiers_verified", obj=dsar, fields=added)
        _object_at_once(actor=actor, dsar=dsar)


@transaction.atomic
def dsar_confirm_matches(*, actor, dsar: DataSubjectRequest, prospect_ids) -> DataSubjectRequest:
    """The DPO reviewed the matches: these records are the person's, the others are not.

    Every id must be one of the current matches (else a ``prospect_ids`` error). The
    review covers every match shown now; a record that matches later is reviewed again.
    """
    from dsar.selectors import dsar_match_review

    dsar = _locked(dsar)
    _require_open(dsar)
    if dsar.execution in (Execution.QUEUED, Execution.RUNNING):
        raise DsarRefused("executing", _("the request is being executed"))
    matches = dsar_match_review(dsar)
    by_id = {str(m.prospect.pk): m for m in matches}
    wanted = [str(pk) for pk in prospect_ids]
    unknown = [pk for pk in wanted if pk not in by_id]
    if unknown:
        raise ValidationError(
            {"prospect_ids": [_("these records are not among the request's matches")]}
        )
    dsar.reviewed_prospects = sorted(by_id)
    dsar.confirmed_prospects = sorted(set(wanted))
    dsar.matches_confirmed_at = timezone.now()
    dsar.matches_confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    dsar.save()
    events.record(
        actor=actor,
        action="dsar.matches_confirmed",
        obj=dsar,
        fields=[f"confirmed:{len(dsar.confirmed_prospects)}", f"reviewed:{len(by_id)}"],
    )
    _object_at_once(actor=actor, dsar=dsar)
    return dsar


def _mark_verified(dsar, *, method, by, note) -> None:
    dsar.verified_at = timezone.now()
    dsar.verification_method = method
    dsar.verified_by = by if getattr(by, "is_authenticated", False) else None
    dsar.verification_note = (note or "").strip()
    if dsar.status in (Status.RECEIVED, Status.VERIFYING):
        dsar.status = Status.IN_PROGRESS
    dsar.save()


@transaction.atomic
def dsar_extend(*, actor, dsar: DataSubjectRequest, reason: str, months: int = 2):
    """GDPR art. 12(3): once, by up to two months, with a reason, before the first deadline."""
    dsar = _locked(dsar)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("give the reason for the extension")]})
    if not 1 <= months <= rules.MAX_EXTENSION_MONTHS:
        raise ValidationError({"months": [_("an extension is of one or two months")]})
    if not dsar.is_open:
        raise ValidationError(_("this request is closed"), code="closed")
    if dsar.extended_at is not None:
        raise ValidationError(_("this request was already extended once"), code="already_extended")
    now = timezone.now()
    if now >= dsar.due_at:
        raise ValidationError(
            _("the first deadline has passed: it can no longer be extended"),
            code="deadline_passed",
        )
    first_deadline = dsar.due_at
    dsar.extended_at = now
    dsar.extension_months = months
    dsar.extension_reason = reason
    dsar.due_at = rules.due_at_for(dsar.received_at, extension_months=months)
    dsar.save()
    # Art. 12(3): the person is told of the extension and why, before the first deadline
    # (this is before it, checked above). The mail is queued with the change and sent on
    # commit; the request shows it notified once the person's mail server took it.
    _mail_person(
        dsar,
        MailPurpose.EXTENSION,
        {"first_deadline": first_deadline, "due_at": dsar.due_at, "reason": reason},
    )
    events.record(actor=actor, action="dsar.extended", obj=dsar, fields=["due_at"])
    return dsar


MAIL_TEMPLATES = {
    MailPurpose.VERIFICATION: "dsar_verification",
    MailPurpose.EXTENSION: "dsar_extension",
    MailPurpose.COMPLETION: "dsar_completion",
    MailPurpose.REJECTION: "dsar_rejection",
}


def _mail_person(dsar, purpose: str, context: dict, *, address: str | None = None):
    """Queue the mail to the person in the request's language (French by default), in the
    caller's transaction, linked to the request (``DsarMail``): the outbox sends it once
    that commits, retries a refusing server, and the request shows queued, sent or failed
    with the server's answer. Nothing without an e-mail address (the DPO tells the person
    by other means); nothing twice for the same purpose. The ``DsarMail``, or None."""
    from mail import services as mail_services

    address = address or dsar.email
    if not address or DsarMail.objects.filter(request=dsar, purpose=purpose).exists():
        return None
    language = dsar.language if dsar.language in LANGUAGES else "fr"
    context = {
        **context,
        "type": dsar.type,
        "company": settings.COMPANY_NAME,
        "contact": settings.DEFAULT_FROM_EMAIL,
        "reference": str(dsar.pk)[:8],
        "request_url": _absolute("dsar-public"),
    }
    with translation.override(language), timezone.override(PARIS):
        context["type_label"] = str(RequestType(dsar.type).label)
        mail = mail_services.queue_templated(
            kind=f"dsar.{purpose}",
            to=address,
            template=MAIL_TEMPLATES[purpose],
            context=context,
            language=language,
            # The completion of an erasure: the request no longer holds the address.
            forget_when_done=dsar.email is None,
        )
    return DsarMail.objects.create(request=dsar, mail=mail, purpose=purpose)


@transaction.atomic
def dsar_reject(*, actor, dsar: DataSubjectRequest, reason: str) -> DataSubjectRequest:
    """Refuse the request (manifestly unfounded, identity not established…), with the reason."""
    dsar = _locked(dsar)
    _require_open(dsar)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("give the reason for the rejection")]})
    if dsar.execution in (Execution.QUEUED, Execution.RUNNING):
        raise DsarRefused("executing", _("the request is being executed"))
    dsar.status = Status.REJECTED
    dsar.rejection_reason = reason
    dsar.rejected_at = timezone.now()
    dsar.save()
    events.record(actor=actor, action="dsar.rejected", obj=dsar, fields=["status"])
    _mail_person(dsar, MailPurpose.REJECTION, {"reason": reason})
    return dsar


@transaction.atomic
def dsar_execute(*, actor, dsar: DataSubjectRequest, corrections=None) -> DataSubjectRequest:
    """Queue the job that carries out the request. Unverified → ``DsarRefused("not_verified")``.

    Asking again while the job is queued or running changes nothing.
    """
    dsar = _locked(dsar)
    if not dsar.is_open:
        raise DsarRefused("closed", _("this request is closed"))
    if dsar.verified_at is None:
        raise DsarRefused("not_verified", _("the requester's identity has not been verified"))
    if dsar.execution in (Execution.QUEUED, Execution.RUNNING):
        return dsar
    from dsar.selectors import acted_on_ids, dsar_match_review, unconfirmed_matches

    matches = dsar_match_review(dsar)
    if unconfirmed_matches(matches):
        raise DsarRefused(
            "matches_unconfirmed",
            _(
                "some records match on an unverified or shared identifier: confirm which "
                "are the person's first"
            ),
        )
    # Fixed now: the job acts on these records, whatever changes before it runs.
    dsar.prospect_ids = [str(pk) for pk in acted_on_ids(matches)]
    if dsar.type == RequestType.RECTIFICATION:
        cleaned = _clean_corrections(corrections) or _stored_corrections(dsar)
        if not cleaned:
            raise ValidationError({"corrections": [_("give the corrected values")]})
        if _opposed_corrections(cleaned):
            # RULES 1: a rectification never brings back an identifier the person objected with.
            raise DsarRefused("opposition", _("a corrected identifier is on the suppression list"))
        dsar.corrections = json.dumps(cleaned)
    dsar.execution = Execution.QUEUED
    dsar.executed_at = timezone.now()
    dsar.status = Status.IN_PROGRESS
    dsar.outcome = {**dsar.outcome, "executed_by": getattr(actor, "pk", None)}
    dsar.save()
    events.record(actor=actor, action="dsar.executed", obj=dsar, fields=[dsar.type])
    # Through the outbox: with the broker down the job waits there, and leaves once it is back.
    outbox.enqueue(task_name="dsar.tasks.run_dsar", args=[str(dsar.pk)])
    return dsar


def _opposed_corrections(corrections: dict) -> bool:
    from suppression.selectors import opposed_scopes

    indexes, _errors = prospect_rules.identifier_indexes(corrections)
    return bool(opposed_scopes({field: [index] for field, index in indexes.items()}))


def _stored_corrections(dsar) -> dict:
    return json.loads(dsar.corrections) if dsar.corrections else {}


def _locked(dsar: DataSubjectRequest) -> DataSubjectRequest:
    return DataSubjectRequest.objects.select_for_update().get(pk=dsar.pk)


def _require_open(dsar: DataSubjectRequest) -> None:
    if not dsar.is_open:
        raise DsarRefused("closed", _("this request is closed"))


# --- The job -------------------------------------------------------------------------------


def dsar_claim(*, dsar_id) -> bool:
    """Take a queued (or interrupted) execution; False when another worker has it or it is done."""
    return bool(
        DataSubjectRequest.objects.filter(
            pk=dsar_id, execution__in=[Execution.QUEUED, Execution.RUNNING]
        ).update(execution=Execution.RUNNING, updated_at=timezone.now())
    )


def dsar_run(*, dsar_id) -> None:
    """Carry out a claimed request. Every branch is idempotent: a retry redoes nothing twice."""
    if not dsar_claim(dsar_id=dsar_id):
        return
    dsar = DataSubjectRequest.objects.get(pk=dsar_id)
    actor = _executor(dsar)
    # Read before an erasure wipes it: the completion e-mail still goes to the person.
    address = dsar.email
    if dsar.type in (RequestType.ACCESS, RequestType.PORTABILITY):
        from dsar.exports import export_build

        outcome = export_build(dsar=dsar)
    elif dsar.type == RequestType.ERASURE:
        outcome = dsar_erase(actor=actor, dsar_id=dsar.pk)
    elif dsar.type == RequestType.OBJECTION:
        with transaction.atomic():
            outcome = {"suppression": _object_at_once(actor=actor, dsar=dsar, executing=True)}
    elif dsar.type == RequestType.RECTIFICATION:
        outcome = _rectify(actor=actor, dsar=dsar)
    else:
        outcome = _restrict(actor=actor, dsar=dsar)
    _complete(dsar_id=dsar.pk, outcome=outcome, address=address)


def dsar_fail(*, dsar_id, error: str) -> None:
    DataSubjectRequest.objects.filter(pk=dsar_id, execution=Execution.RUNNING).update(
        execution=Execution.FAILED, updated_at=timezone.now()
    )


def _executor(dsar):
    from django.contrib.auth import get_user_model

    pk = dsar.outcome.get("executed_by")
    return get_user_model().objects.filter(pk=pk).first() if pk else None


@transaction.atomic
def _complete(*, dsar_id, outcome: dict, address: str | None = None) -> None:
    dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar_id)
    dsar.outcome = {**dsar.outcome, **outcome}
    dsar.execution = Execution.DONE
    dsar.status = Status.COMPLETED
    dsar.completed_at = dsar.completed_at or timezone.now()
    context = {"completed_at": dsar.completed_at, "records": len(dsar.prospect_ids)}
    if (
        address
        and not DsarMail.objects.filter(request=dsar, purpose=MailPurpose.COMPLETION).exists()
    ):
        # Once, even when a redelivered job completes twice.
        if dsar.type in (RequestType.ACCESS, RequestType.PORTABILITY):
            context.update(_download_link(dsar))
        _mail_person(dsar, MailPurpose.COMPLETION, context, address=address)
    dsar.save()
    events.record(actor="system", action="dsar.completed", obj=dsar, fields=[dsar.type])
    emit_webhook("dsar.completed", {"dsar_id": dsar.pk})


def download_token_index(token: str) -> str | None:
    """The stored form of a download token; None for a forged, cut or altered one."""
    try:
        raw = signing.Signer(salt=DOWNLOAD_SALT, sep=".").unsign(token)
    except signing.BadSignature:
        return None
    return crypto.blind_index_of_normalised("dsar_download", raw)


def _download_link(dsar) -> dict:
    """A new link to the export and its summary: a random token, signed, kept only as a
    keyed hash, valid ``DSAR_DOWNLOAD_DAYS`` (never past the export itself). ``{}``
    when there is no export to link to."""
    from dsar.models import DsarExport

    export = (
        DsarExport.objects.filter(request=dsar, deleted_at__isnull=True)
        .order_by("expires_at")
        .first()
    )
    if export is None:
        return {}
    token = signing.Signer(salt=DOWNLOAD_SALT, sep=".").sign(secrets.token_urlsafe(24))
    dsar.download_token_index = download_token_index(token)
    dsar.download_expires_at = min(
        timezone.now() + timedelta(days=settings.DSAR_DOWNLOAD_DAYS), export.expires_at
    )
    return {
        "download_url": _absolute("dsar-download", token),
        "summary_url": _absolute("dsar-summary", token),
        "download_expires_at": dsar.download_expires_at,
    }


def _acted_on_prospects(dsar, *, executing: bool):
    """The records a request acts on: fixed at execution, else those the review allows now."""
    if executing:
        return list(Prospect.objects.filter(pk__in=dsar.prospect_ids))
    from dsar.selectors import dsar_match_review

    return [m.prospect for m in dsar_match_review(dsar) if m.acted_on]


def _object_at_once(*, actor, dsar, executing: bool = False) -> list[str]:
    """RULES 21 with RULES 22: an objection acts the moment something is proven, never on
    an unverified identifier alone.

    Each verified identifier of the request, and every identifier held on the records
    acted on (confirmed, or reached through a verified unshared identifier), goes through
    ``opposition_register`` (all channels), which also covers the identifiers held on the
    records matching each one (RULES 1). An identifier typed by someone unproven stops
    nothing: one typed switchboard number would otherwise silence everyone holding it.
    Idempotent; the identifier types registered.
    """
    if dsar.type != RequestType.OBJECTION or (not dsar.is_open and not executing):
        return []
    from consent.services import opposition_register

    values: dict[tuple[str, str], None] = {}
    for field in dsar.verified_identifiers or []:
        if value := getattr(dsar, field):
            values[(field, value)] = None
    for prospect in _acted_on_prospects(dsar, executing=executing):
        for field in IDENTIFIER_FIELDS:
            if value := getattr(prospect, field):
                values[(field, value)] = None
    for field, value in values:
        opposition_register(
            actor=actor or "system",
            identifier_type=field,
            value=value,
            scope=SCOPE_ALL,
            source=OppositionSource.DSAR,
        )
    return sorted({field for field, _value in values})


def _suppress(*, actor, pairs) -> list[str]:
    """Erasure: a keyed-hash entry per identifier of the person, all channels (idempotent).

    Written from the blind indexes, so it works after the plaintext was wiped; exactly
    these identifiers, the records holding them being erased too.
    """
    registered = set()
    user = actor if getattr(actor, "is_authenticated", False) else None
    for field, index in pairs:
        opposition, created = Opposition.objects.get_or_create(
            identifier_type=field,
            identifier_index=index,
            scope=SCOPE_ALL,
            defaults={"source": OppositionSource.DSAR, "created_by": user},
        )
        if created:
            events.record(
                actor=actor or "system",
                action="opposition.registered",
                obj=opposition,
                fields=[field],
            )
            held = Prospect.objects.filter(**{f"{field}_index": index}).values_list("pk", flat=True)
            emit_webhook(
                "opposition.created",
                {"opposition_id": opposition.pk, "prospect_ids": sorted(str(pk) for pk in held)},
            )
        registered.add(field)
    return sorted(registered)


def _rectify(*, actor, dsar) -> dict:
    from prospects.services import prospect_update

    corrections = _stored_corrections(dsar)
    rectified = []
    with transaction.atomic():
        for prospect in Prospect.objects.filter(pk__in=dsar.prospect_ids).select_for_update():
            # By the DPO (or the system): the corrected values are company data.
            prospect_update(actor=actor, prospect=prospect, data=corrections, rectification=True)
            events.record(
                actor=actor or "system",
                action="dsar.rectified",
                obj=prospect,
                fields=sorted(corrections),
            )
            rectified.append(str(prospect.pk))
    return {"rectified": rectified, "fields": sorted(corrections)}


def _restrict(*, actor, dsar) -> dict:
    from prospects.services import prospect_restrict

    restricted = []
    with transaction.atomic():
        for prospect in Prospect.objects.filter(pk__in=dsar.prospect_ids).select_for_update():
            prospect_restrict(actor=actor or "system", prospect=prospect)
            restricted.append(str(prospect.pk))
    return {"restricted": restricted}


@transaction.atomic
def dsar_erase(*, actor, dsar_id) -> dict:
    """GDPR art. 17, RULES 22: remove the person's data from every table.

    The person: the records the DPO confirmed (fixed at execution) and the request's
    verified identifiers. Idempotent: a second run finds nothing left to remove. What
    stays: this request's accountability record (type, dates, outcome counts, the
    identifiers' blind indexes) and a keyed-hash suppression entry for every identifier
    the person had, profile URL included, so they cannot be stored again (409
    ``opposition``). Their consent events and outreach log go too (RULES 19: only an
    erasure removes that evidence).
    """
    from dsar.exports import export_delete_files
    from dsar.selectors import dsar_matches, person_indexes, related_requests, verified_indexes_of

    dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar_id)
    matches = dsar_matches(dsar, prospect_ids=dsar.prospect_ids)
    ids = [prospect.pk for prospect in matches.prospects]
    pairs = person_indexes(dsar, matches.prospects)
    # Kept across runs: a second run no longer sees the records' identifiers.
    pairs = list(dict.fromkeys([*map(tuple, dsar.outcome.get("suppressed_indexes", [])), *pairs]))
    suppression = _suppress(actor=actor or "system", pairs=pairs)
    # Copies found by identifier (other requests, other apps' evidence) are the person's when
    # the identifier is verified or held by no one else: a switchboard number also held on a
    # colleague's record is suppressed, but does not reach that colleague's data.
    verified = set(verified_indexes_of(dsar).items())
    own = [
        (field, index)
        for field, index in pairs
        if (field, index) in verified
        or not Prospect.objects.filter(**{f"{field}_index": index}).exclude(pk__in=ids).exists()
    ]

    person = _person_label(dsar, matches.prospects)
    for holder in matches.holders:
        if not set(holder["reasons"]) & ATTESTATION_REASONS:
            continue
        accounts = [
            f"{account.get_network_display()} · {account.handle}" for account in holder["accounts"]
        ]
        EmployeeAttestation.objects.get_or_create(
            request=dsar,
            employee=holder["employee"],
            defaults={"accounts": accounts, "person": person},
        )

    # Before the prospects go: deals and archived evidence find theirs by the prospect's id.
    elsewhere = _erase_in_other_apps(ids=ids, indexes=own)
    outreach, _detail = OutreachAttempt.objects.filter(prospect_id__in=ids).delete()

    with consent_erasure():
        consents, _detail = ConsentEvent.objects.filter(prospect_id__in=ids).delete()
        for prospect in Prospect.objects.filter(pk__in=ids):
            events.deleted(actor=actor or "system", obj=prospect)
        Prospect.objects.filter(pk__in=ids).delete()
    if ids:
        emit_webhook("prospect.erased", {"dsar_id": dsar.pk, "prospect_ids": ids})

    related = list(related_requests(dsar, own).select_for_update())
    exports = export_delete_files(requests=related)
    for request in related:
        request.full_name = ""
        request.email = None
        request.phone = None
        request.profile_url = None
        request.message = ""
        request.corrections = ""
        request.verification_note = ""
        request.download_token_index = None
        request.save()
    mails_wiped = _wipe_sent_mails(related)

    previous = dsar.outcome.get("erased", {})
    erased = {
        "prospects": previous.get("prospects", 0) + len(ids),
        "consent_events": previous.get("consent_events", 0) + consents,
        "outreach": previous.get("outreach", 0) + outreach,
        "exports": previous.get("exports", 0) + exports,
        "requests_wiped": len(related),
        "mails_wiped": previous.get("mails_wiped", 0) + mails_wiped,
        **{key: previous.get(key, 0) + value for key, value in elsewhere.items()},
    }
    events.record(
        actor=actor or "system",
        action="dsar.erased",
        obj=dsar,
        fields=[f"{key}:{value}" for key, value in erased.items()],
    )
    return {
        "erased": erased,
        "suppression": suppression,
        # Keyed hashes only: what a second run must still suppress.
        "suppressed_indexes": [list(pair) for pair in pairs],
        "attestations": EmployeeAttestation.objects.filter(request=dsar).count(),
    }


def _wipe_sent_mails(requests) -> int:
    """The copies of the person in the mails we sent them (address, bodies): emptied once
    the mail is done with (sent or failed); one still queued keeps what it needs to be sent
    and is emptied the moment it is done (``mail.services.forget``). How many now."""
    from mail import services as mail_services
    from mail.models import OutgoingMail

    return mail_services.forget(OutgoingMail.objects.filter(dsar_link__request__in=requests))


def _erase_in_other_apps(*, ids, indexes) -> dict[str, int]:
    """Copies of the person that other apps keep after (or beside) the prospect record.

    - offboarding: ``PurgedEvidence`` (keyed hashes of a purged pre-hire contact) and
      ``ExportRow`` (a departing employee's export of their network);
    - consent: the consent events kept as evidence of a removed record (RULES 19);
    - deals: the contract record stays (SET_NULL) but its free-text notes go.
    Each is looked for only when its app is installed.
    """
    from django.apps import apps
    from django.db.models import Q

    counts: dict[str, int] = {}
    refs = set(ids)
    if apps.is_installed("offboarding"):
        purged_evidence = apps.get_model("offboarding", "PurgedEvidence")
        condition = Q(pk__in=[])
        for field, index in indexes:
            condition |= Q(**{f"{field}_index": index})
        matching = purged_evidence.objects.filter(condition)
        refs.update(matching.values_list("prospect_id", flat=True))
        counts["purged_evidence"] = matching.delete()[0]
        export_row = apps.get_model("offboarding", "ExportRow")
        counts["offboarding_export_rows"] = export_row.objects.filter(
            prospect_id__in=refs
        ).delete()[0]
    from consent.services import removed_evidence_erase

    counts["removed_consent_events"] = removed_evidence_erase(prospect_refs=refs, indexes=indexes)
    if apps.is_installed("deals") and ids:
        deal = apps.get_model("deals", "Deal")
        # Encrypted: neither compared nor updated in SQL; a person has a few deals at most.
        counts["deal_notes"] = 0
        for sale in deal.objects.filter(prospect_id__in=ids).only("pk", "seal_key", "notes"):
            if sale.notes:
                sale.notes = ""
                sale.save(update_fields=["notes"])
                counts["deal_notes"] += 1
    return counts


def _person_label(dsar, prospects) -> str:
    """What an employee needs to find the person on their own accounts."""
    parts = []
    for prospect in prospects:
        parts.extend(v for v in (prospect.full_name, prospect.profile_url, prospect.email) if v)
    parts.extend(v for v in (dsar.full_name, dsar.profile_url, dsar.email) if v)
    return " · ".join(dict.fromkeys(parts))


@transaction.atomic
def attestation_confirm(*, actor, attestation: EmployeeAttestation) -> EmployeeAttestation:
    """The employee confirms they removed the person from their personal accounts."""
    me = employee_of(actor)
    if me is None or me.pk != attestation.employee_id:
        raise DsarRefused("not_yours", _("only the employee concerned can confirm this"))
    if attestation.confirmed_at is None:
        attestation.confirmed_at = timezone.now()
        attestation.person = ""
        attestation.save(update_fields=["confirmed_at", "person"])
        events.record(
            actor=actor,
            action="dsar.attestation_confirmed",
            obj=attestation,
            fields=["confirmed_at"],
        )
    return attestation


def dpo_addresses() -> list[str]:
    from people.models import Employee

    return sorted(
        {
            e.user.email
            for e in Employee.objects.filter(role=Role.DPO, user__is_active=True).select_related(
                "user"
            )
            if e.user.email
        }
    )


def dsar_send_reminder(*, now=None) -> int:
    """Queue one e-mail per DPO about the overdue and due-soon requests; how many were queued.

    Through the outbox like every other mail: a mail server that is down delays it, and
    the reminder job itself succeeds.
    """
    from dsar.selectors import dsar_deadline_counts
    from mail import services as mail_services

    counts = dsar_deadline_counts(now=now)
    if not (counts["overdue"] or counts["due_soon"]):
        return 0
    addresses = dpo_addresses()
    if not addresses:
        return 0
    subject = _("Data-subject requests: %(overdue)s overdue, %(due_soon)s due soon") % counts
    body = " ".join(
        [
            ngettext(
                "%(overdue)s data-subject request is past its deadline",
                "%(overdue)s data-subject requests are past their deadline",
                counts["overdue"],
            )
            % counts,
            ngettext(
                "and %(due_soon)s is due within %(days)s days (%(open)s open in all).",
                "and %(due_soon)s are due within %(days)s days (%(open)s open in all).",
                counts["due_soon"],
            )
            % {**counts, "days": settings.DSAR_DUE_SOON_DAYS},
            _("See the list: %(url)s") % {"url": f"{settings.SITE_URL}/dsar/"},
        ]
    )
    with transaction.atomic():
        for address in addresses:
            mail_services.queue(kind="dsar.reminder", to=address, subject=subject, text=body)
    return len(addresses)


def role_may_create(user, received_via: str) -> bool:
    role = role_of(user)
    if role in (Role.DPO, Role.ADMIN):
        return True
    return received_via == ReceivedVia.EMPLOYEE_ACCOUNT and employee_of(user) is not None
