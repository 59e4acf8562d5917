"""The Celery job that carries one queued mail to the mail server, retried with a growing wait."""

from celery import shared_task

from mail import services


@shared_task(
    bind=True,
    # The row is claimed while it is sent: a redelivered task sends nothing twice.
    acks_late=True,
    ignore_result=True,
    # The attempts are counted on the row (MAIL_MAX_ATTEMPTS), not by Celery.
    max_retries=None,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_mail(self, mail_id: str) -> None:
    retry_in = services.deliver(mail_id)
    if retry_in is None:
        return
    if self.request.is_eager:
        # In-process (no broker, ``make run``): nothing to schedule a retry on; the
        # stalled-mail sweep tries the row again later.
        return
    raise self.retry(args=(mail_id,), kwargs={}, countdown=retry_in)


@shared_task(ignore_result=True)
def sweep_stalled_mail() -> int:
    return services.stalled_requeue()
