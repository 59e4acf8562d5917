"""Enqueue a Celery task through the outbox, and send what the outbox holds."""

import datetime
import logging
from collections.abc import Iterable

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.utils.imports import symbol_by_name

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

SWEEP_BATCH = 100
# How long the sweep leaves a message alone after a failed send (grows with the attempts).
RETRY_BASE_SECONDS = 2
RETRY_MAX_SECONDS = 60


def enqueue(*, task_name: str, args: Iterable = (), kwargs: dict | None = None) -> OutboxMessage:
    """Write the message in the current transaction; it is sent once that commits.

    Call it inside the transaction that makes the task necessary: if that
    transaction rolls back, no task is sent; if it commits, the task is sent
    now or, should the broker be unreachable, by the next sweep.
    """
    message = OutboxMessage.objects.create(
        task_name=task_name,
        args=list(args),
        kwargs=kwargs or {},
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: send_pending(ids=[message.pk]))
    return message


def send_pending(*, ids: list[int] | None = None, limit: int = SWEEP_BATCH) -> int:
    """Send unsent messages (those of ``ids``, or the oldest due ones); returns how many were sent."""
    with _connection() as connection:
        return _send_loop(ids=ids, limit=limit, connection=connection)


def _connection():
    # A fresh connection that gives up at once when the broker is down (the default retries
    # for seconds): the caller is a request that just committed, or the sweep.
    connection = current_app.connection_for_write()
    connection.transport_options = {
        **connection.transport_options,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    return connection


def _send_loop(*, ids, limit, connection) -> int:
    sent = 0
    # Each message is claimed, sent and marked in its own short transaction; a sweep
    # running at the same time skips the rows locked here instead of sending them twice.
    while True:
        with transaction.atomic():
            rows = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
                sent_at__isnull=True
            )
            if ids is not None:
                rows = rows.filter(pk__in=ids)
            else:
                rows = rows.filter(next_attempt_at__lte=timezone.now())
            message = rows.order_by("next_attempt_at", "id").first()
            if message is None:
                return sent
            if current_app.conf.task_always_eager:
                # No broker (the embedded default): run it in-process, after this commit.
                message.sent_at = timezone.now()
                message.attempts += 1
                message.save(update_fields=["sent_at", "attempts"])
                transaction.on_commit(lambda m=message: _run_in_process(m))
            else:
                _send(message, connection)
            if message.sent_at is not None:
                sent += 1
            if ids is not None:
                ids = [pk for pk in ids if pk != message.pk]
        if sent >= limit:
            return sent


def _run_in_process(message: OutboxMessage) -> None:
    symbol_by_name(message.task_name).apply(args=message.args, kwargs=message.kwargs)


def _send(message: OutboxMessage, connection) -> None:
    now = timezone.now()
    message.attempts += 1
    try:
        current_app.send_task(
            message.task_name,
            args=message.args,
            kwargs=message.kwargs,
            connection=connection,
            retry=False,
        )
    except Exception as exc:
        # The broker is down or refused: leave the row for a later sweep.
        delay = min(RETRY_BASE_SECONDS * 2 ** (message.attempts - 1), RETRY_MAX_SECONDS)
        message.next_attempt_at = now + datetime.timedelta(seconds=delay)
        message.last_error = f"{type(exc).__name__}: {exc}"[:300]
        logger.warning("outbox %s not sent yet: %s", message.pk, message.last_error)
    else:
        message.sent_at = now
        message.last_error = ""
    message.save(update_fields=["attempts", "sent_at", "next_attempt_at", "last_error"])


def purge_sent(*, older_than: datetime.timedelta = datetime.timedelta(days=7)) -> int:
    """Delete messages sent long ago (they only tell that a task left)."""
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - older_than).delete()
    return deleted
