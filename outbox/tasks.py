"""The beat sweep of the outbox."""

from celery import shared_task

from outbox import services


@shared_task(
    # A sweep is cheap and the next one comes in seconds: never pile them up.
    acks_late=False,
    ignore_result=True,
    time_limit=60,
    soft_time_limit=50,
    expires=30,
)
def sweep_outbox() -> int:
    sent = services.send_pending()
    services.purge_sent()
    return sent
