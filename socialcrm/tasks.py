"""The audit trail's scheduled checks and checkpoints.

They join two apps: ``audit`` checks the chain and writes the signed checkpoint,
``webhooks`` sends it to the systems that subscribed to ``audit.checkpoint``. The
project sits above both, so it is the one that calls them in turn.
"""

import logging

from celery import shared_task
from django.db import transaction

from audit import checkpoints
from audit.checkpoints import TailProblem, tail_problem
from audit.models import AuditCheckpoint
from audit.selectors import first_broken_event
from webhooks.services import emit as emit_webhook

logger = logging.getLogger(__name__)


@transaction.atomic
def checkpoint_write_and_send() -> AuditCheckpoint:
    """A new checkpoint, logged, and queued as the ``audit.checkpoint`` webhook event in
    the same transaction (``TailProblem`` when the trail's end no longer matches)."""
    checkpoint = checkpoints.checkpoint_write()
    emit_webhook(checkpoints.WEBHOOK_EVENT, checkpoints.webhook_payload(checkpoint))
    return checkpoint


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def verify_audit_chain() -> dict:
    """Nightly: walk the whole chain and check its end; a break is logged as an error.

    An intact trail gets a new checkpoint, so the next check starts from here.
    """
    bad_id, reason = first_broken_event()
    if bad_id is not None:
        logger.error("audit chain broken at event %s: %s", bad_id, reason)
        return {"intact": False, "first_bad_event": bad_id}
    problem = tail_problem()
    if problem:
        logger.error("audit trail tail: %s", problem)
        return {"intact": False, "first_bad_event": None, "tail": problem}
    checkpoint_write_and_send()
    return {"intact": True, "first_bad_event": None}


@shared_task(time_limit=5 * 60, soft_time_limit=4 * 60)
def write_audit_checkpoint() -> int | None:
    """Every few minutes (``AUDIT_CHECKPOINT_MINUTES``): sign where the trail ends now.

    A trail whose end no longer matches the last checkpoint gets no new one: the
    error stays visible until someone looks (``verify_audit`` names it too).
    """
    try:
        return checkpoint_write_and_send().pk
    except TailProblem as exc:
        logger.error("audit trail tail: %s", exc)
        return None
