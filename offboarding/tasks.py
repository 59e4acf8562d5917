"""Celery entry points of offboarding: they take ids and call one service."""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, OperationalError

from offboarding import services

logger = logging.getLogger(__name__)

# One job works this long, then hands the rest of its step to a fresh job.
RUN_BUDGET_SECONDS = 60


class StepTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Out of retries, or a bug: the step says "failed" rather than "running" for ever;
        # POST …/start/ resumes it from its cursor.
        offboarding_id, key = [*(args or ()), None, None][:2]
        offboarding_id = offboarding_id or kwargs.get("offboarding_id")
        key = key or kwargs.get("key")
        logger.error("offboarding %s step %s failed: %s", offboarding_id, key, type(exc).__name__)
        try:
            services.step_fail(
                offboarding_id=offboarding_id, key=key, error=f"{type(exc).__name__}"
            )
        except Exception:
            logger.exception(
                "offboarding %s step %s could not be marked failed", offboarding_id, key
            )


@shared_task(
    base=StepTask,
    # Batches are conditional writes behind a cursor: running a job twice is harmless,
    # so it is acknowledged only once done, and requeued if its worker dies.
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def run_step(offboarding_id: int, key: str) -> str:
    try:
        return services.step_run(
            offboarding_id=offboarding_id, key=key, time_budget=RUN_BUDGET_SECONDS
        )
    except SoftTimeLimitExceeded:
        # The last batch rolled back; the sweep re-enqueues the step once its lease ends.
        return "interrupted"


@shared_task(acks_late=False, ignore_result=True, time_limit=60, soft_time_limit=50, expires=30)
def sweep_stalled_steps() -> int:
    """Re-enqueue steps whose worker died (their lease ran out)."""
    return services.stalled_steps_requeue()


@shared_task(acks_late=True, ignore_result=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def apply_departures() -> int:
    """Hourly: departed employees whose case is still open lose their API tokens."""
    return services.departures_due_apply()


@shared_task(acks_late=True, ignore_result=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def delete_expired_exports() -> int:
    deleted = services.exports_expired_delete()
    if deleted:
        delete_expired_exports.apply_async(countdown=1)
    return deleted
