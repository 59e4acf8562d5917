"""Nightly retention jobs (CELERY_BEAT_SCHEDULE): each run does one bounded batch, then
hands the rest to a fresh task of the same run until nothing is left."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from retention import services

_JOB_OPTIONS = {
    # Each batch claims its rows and is a no-op once done: safe to run twice, so it is
    # acknowledged only when finished.
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 10 * 60,
    "soft_time_limit": 9 * 60,
    # A lost connection rolls back one batch; the retry claims the same rows again.
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**_JOB_OPTIONS)
def purge_expired_prospects(run_id: str | None = None) -> dict:
    """RULES 18: re-permission requests (if configured), then the purge of expired prospects."""
    run_id = run_id or services.new_run_id()
    batch = services.expired_prospects_batch(
        run_id=run_id, today=timezone.localdate(), batch_size=settings.RETENTION_BATCH_SIZE
    )
    if batch.more:
        purge_expired_prospects.apply_async(kwargs={"run_id": run_id})
    return {"run_id": run_id, "more": batch.more, **batch.counts}


@shared_task(**_JOB_OPTIONS)
def purge_evidence(run_id: str | None = None) -> dict:
    """RULES 19: outreach contents, and removed records' consent, past the evidence period."""
    run_id = run_id or services.new_run_id()
    batch = services.evidence_purge_batch(
        run_id=run_id, now=timezone.now(), batch_size=settings.RETENTION_BATCH_SIZE
    )
    if batch.more:
        purge_evidence.apply_async(kwargs={"run_id": run_id})
    return {"run_id": run_id, "more": batch.more, **batch.counts}
