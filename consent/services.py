"""Writes on the consent registry: atomic, audited, append-only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import events
from consent.models import NOT_CONSENT, ConsentAction, ConsentEvent


class InvalidConsentEvidence(ValidationError):
    """A like, a follow or an accepted connection is not consent (RULES 6)."""

    code = "invalid_consent_evidence"


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
    if action == ConsentAction.GRANT and evidence in NOT_CONSENT:
        raise InvalidConsentEvidence(
            {"evidence": "a like, a follow or an accepted connection is not consent"},
            code="invalid_consent_evidence",
        )
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
    events.created(actor=actor, obj=event, fields=["channel", "action", "evidence"])
    return event
