"""Signed checkpoints of the chain's length and head, and the check of the tail against them.

``checkpoint_write`` notes (count, head id, head hash), signs it, stores it and logs
it; the scheduled tasks and ``verify_audit`` (``socialcrm.checkpoints``) also send it as
the ``audit.checkpoint`` webhook event, so copies live outside the database too. ``tail_problem`` says what the latest checkpoint shows missing or
rewritten at the end of the trail.
"""

import hashlib
import hmac
import logging
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.events import chain_lock
from audit.models import GENESIS_HASH, AuditCheckpoint, AuditEvent
from core import crypto

logger = logging.getLogger(__name__)

WEBHOOK_EVENT = "audit.checkpoint"


@lru_cache(maxsize=4)
def _key(master_text: str) -> bytes:
    # Its own key, derived like the blind-index keys: a checkpoint signature can never
    # be compared with, or stand in for, an index value.
    master = crypto.decode_key(master_text, name="BLIND_INDEX_KEY")
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"socialcrm audit checkpoint"
    ).derive(master)


def signature_of(checkpoint: AuditCheckpoint) -> str:
    key = _key(settings.BLIND_INDEX_KEY)
    return hmac.new(key, checkpoint.signed_content(), hashlib.sha256).hexdigest()


def signature_valid(checkpoint: AuditCheckpoint) -> bool:
    return hmac.compare_digest(signature_of(checkpoint), checkpoint.signature)


def _log(checkpoint: AuditCheckpoint) -> None:
    """A copy of the checkpoint an attacker on the database cannot reach. Counts and
    hashes only, never personal data."""
    logger.info(
        "audit checkpoint %s: %s events, head event %s hash %s",
        checkpoint.pk,
        checkpoint.event_count,
        checkpoint.head_id,
        checkpoint.head_hash,
    )


def webhook_payload(checkpoint: AuditCheckpoint) -> dict:
    """What the ``audit.checkpoint`` webhook event carries."""
    return {
        "checkpoint": checkpoint.pk,
        "at": checkpoint.at.isoformat(),
        "count": checkpoint.event_count,
        "head_id": checkpoint.head_id,
        "head_hash": checkpoint.head_hash,
        "signature": checkpoint.signature,
    }


class TailProblem(Exception):
    """The end of the trail does not match the latest checkpoint."""


@transaction.atomic
def checkpoint_write() -> AuditCheckpoint:
    """Sign and store where the chain ends now, and log it.

    Refused (``TailProblem``) when the trail already lost or rewrote events the latest
    checkpoint covers: a new checkpoint must never vouch for a shortened trail.
    """
    # The same lock as the writers: the count and the head describe one moment.
    chain_lock()
    problem = tail_problem()
    if problem:
        raise TailProblem(problem)
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    checkpoint = AuditCheckpoint(
        at=timezone.now(),
        event_count=AuditEvent.objects.count(),
        head_id=head["id"] if head else 0,
        head_hash=head["hash"] if head else GENESIS_HASH,
    )
    checkpoint.signature = signature_of(checkpoint)
    checkpoint.save()
    _log(checkpoint)
    return checkpoint


def tail_problem() -> str:
    """What the latest checkpoint shows wrong at the end of the trail; "" when nothing.

    Run after the chain itself verified: an intact chain that is shorter than a
    checkpoint, or that ends on another hash, lost or rewrote its last events.
    """
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    if checkpoint is None:
        return ""
    if not signature_valid(checkpoint):
        return f"checkpoint {checkpoint.pk} does not match its signature: it was altered"
    counted = AuditEvent.objects.filter(id__lte=checkpoint.head_id)
    count = counted.count()
    head_hash = (
        counted.filter(id=checkpoint.head_id).values_list("hash", flat=True).first()
        if checkpoint.head_id
        else GENESIS_HASH
    )
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if head_hash is None or count < checkpoint.event_count:
        missing = checkpoint.event_count - count
        return (
            f"{missing} event(s) missing from the end of the trail: checkpoint "
            f"{checkpoint.pk} counted {checkpoint.event_count} events up to event "
            f"{checkpoint.head_id}, the trail ends at event {last_id}"
        )
    if head_hash != checkpoint.head_hash or count != checkpoint.event_count:
        return (
            f"event {checkpoint.head_id} was rewritten: its hash is not the one "
            f"checkpoint {checkpoint.pk} signed"
        )
    return ""
