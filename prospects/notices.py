"""The art. 14 notice of a prospect given outside the messages logged in the CRM.

A logged outreach that carries the notice marks it sent by itself (``consent.services``:
an allowed written message with the notice appended). When the notice went another way
(an e-mail from the rep's own mailbox, a letter), the rep records it here with its
evidence: the date it went, never in the future, and what proves it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from core import dates
from prospects.models import NoticeDelivery, NoticeMethod, Prospect

EVIDENCE_MAX_LENGTH = 500
# A past day is recorded at noon, so it stays on that calendar day in any European zone.
SENT_TIME = datetime.time(12, 0)


def _validated(*, method: str, sent_on, evidence: str) -> str:
    errors: dict[str, list[str]] = {}
    if method not in NoticeMethod.values:
        errors["method"] = [_("Choose how the notice was sent.")]
    today = timezone.localdate()
    if not isinstance(sent_on, datetime.date):
        errors["sent_on"] = [_("Give the date the notice was sent.")]
    elif sent_on > today:
        errors["sent_on"] = [_("The notice cannot have been sent in the future.")]
    elif sent_on < dates.EARLIEST:
        errors["sent_on"] = [_("The date cannot be before 1970.")]
    evidence = (evidence or "").strip()
    if not evidence:
        errors["evidence"] = [_("Say what proves it was sent (a reference, a receipt number).")]
    elif len(evidence) > EVIDENCE_MAX_LENGTH:
        errors["evidence"] = [_("Keep it under %(max)d characters.") % {"max": EVIDENCE_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    return evidence


def _moment(sent_on: datetime.date) -> datetime.datetime:
    if sent_on == timezone.localdate():
        return timezone.now()
    return datetime.datetime.combine(sent_on, SENT_TIME, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def notice_mark_sent(
    *, actor, prospect: Prospect, method: str, sent_on: datetime.date, evidence: str
) -> NoticeDelivery | None:
    """Record the notice as sent on ``sent_on`` by ``method``; None when it already was.

    The caller has checked that ``actor`` may edit the prospect. Invalid input raises a
    ``ValidationError`` naming each field (method, sent_on, evidence) and changes nothing.
    """
    evidence = _validated(method=method, sent_on=sent_on, evidence=evidence)
    # Locked: a logged message carrying the notice and this mark must not both set it.
    locked = Prospect.objects.select_for_update().only("pk", "notice_sent_at").get(pk=prospect.pk)
    if locked.notice_sent_at is not None:
        prospect.notice_sent_at = locked.notice_sent_at
        return None
    sent_at = _moment(sent_on)
    Prospect.objects.filter(pk=prospect.pk).update(notice_sent_at=sent_at)
    prospect.notice_sent_at = sent_at
    delivery = NoticeDelivery.objects.create(
        prospect=prospect,
        method=method,
        sent_on=sent_on,
        evidence=evidence,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    events.record(
        actor=actor,
        action="prospect.notice_marked_sent",
        obj=prospect,
        fields=["notice_sent_at", "notice_delivery.method", "notice_delivery.evidence"],
    )
    return delivery
