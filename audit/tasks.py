import logging

from celery import shared_task

from audit.selectors import first_broken_event

logger = logging.getLogger(__name__)


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def verify_audit_chain() -> dict:
    """Nightly: walk the whole chain; a break is logged as an error with the event id."""
    bad_id, reason = first_broken_event()
    if bad_id is not None:
        logger.error("audit chain broken at event %s: %s", bad_id, reason)
    return {"intact": bad_id is None, "first_bad_event": bad_id}
