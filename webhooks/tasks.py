"""The Celery job that sends one webhook delivery, retried with a growing wait."""

from celery import shared_task

from webhooks import services


@shared_task(
    bind=True,
    # Claimed per attempt (services.delivery_attempt): a redelivered message sends nothing twice.
    acks_late=True,
    ignore_result=True,
    # The retries are counted on the row, not by Celery.
    max_retries=None,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(self, delivery_id: str, attempt: int = 1) -> None:
    retry_in = services.delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    if retry_in is not None:
        if self.request.is_eager:
            # Run in-process (no broker, ``make run``): nothing to schedule a retry on. The
            # row keeps its next attempt time; the stalled-delivery sweep sends it again.
            return
        raise self.retry(
            args=(), kwargs={"delivery_id": delivery_id, "attempt": attempt + 1}, countdown=retry_in
        )


@shared_task(ignore_result=True)
def sweep_stalled_deliveries() -> int:
    return services.stalled_deliveries_requeue()
