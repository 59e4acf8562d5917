"""Celery entry points of imports: they take a job id and call one service."""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, OperationalError

from imports import services

logger = logging.getLogger(__name__)

# One run works this long, then hands the rest to a fresh task: no file size meets the limits.
RUN_BUDGET_SECONDS = 10 * 60


class ImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Out of retries, or a bug: the job must not stay "running" for ever.
        job_id = args[0] if args else kwargs.get("job_id")
        logger.error("import %s failed: %s", job_id, type(exc).__name__)
        try:
            services.import_job_fail(
                job_id=job_id, error="the import stopped on an internal error: upload it again"
            )
        except Exception:
            logger.exception("import %s could not be marked failed", job_id)


@shared_task(
    base=ImportTask,
    # The job is claimed with a conditional UPDATE and resumes from its cursor: running
    # it twice is harmless, so it is acknowledged only once done.
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=15 * 60,
    soft_time_limit=14 * 60,
    # A lost connection or a concurrent insert of the same identifier (unique constraint)
    # rolls back one batch; the retry resumes at the cursor and sees the other row.
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def run_linkedin_import(job_id: str) -> None:
    try:
        more = services.import_job_run(job_id=job_id, time_budget=RUN_BUDGET_SECONDS)
    except SoftTimeLimitExceeded:
        more = True
    if more:
        run_linkedin_import.apply_async((job_id,))
