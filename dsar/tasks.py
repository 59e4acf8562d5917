"""Celery entry points of data-subject requests: they take ids and call one service."""

import logging

from celery import Task, shared_task
from django.db import OperationalError

from dsar import exports, services

logger = logging.getLogger(__name__)


class DsarTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Out of retries, or a bug: the request must not look "running" for ever.
        dsar_id = args[0] if args else kwargs.get("dsar_id")
        logger.error("DSAR %s failed: %s", dsar_id, type(exc).__name__)
        try:
            services.dsar_fail(dsar_id=dsar_id, error=type(exc).__name__)
        except Exception:
            logger.exception("DSAR %s could not be marked failed", dsar_id)


@shared_task(
    base=DsarTask,
    # Claimed with a conditional UPDATE; every branch is idempotent, so a redelivery is harmless.
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=15 * 60,
    soft_time_limit=14 * 60,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def run_dsar(dsar_id: str) -> None:
    services.dsar_run(dsar_id=dsar_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60, max_retries=3)
def purge_expired_exports() -> int:
    """Daily: access exports are available for ``DSAR_EXPORT_DAYS``, then their files go."""
    return exports.export_purge_expired()


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60, max_retries=3)
def remind_dsar_deadlines() -> int:
    """Daily: e-mail the DPOs about overdue and due-soon requests."""
    return services.dsar_send_reminder()
