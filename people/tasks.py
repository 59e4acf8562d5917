"""Celery entry points of people: they call one service."""

from celery import shared_task

from people import services


@shared_task(acks_late=True, ignore_result=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def delete_expired_tokens() -> int:
    """Daily: expired API tokens are refused already; this removes their rows."""
    return services.tokens_expired_delete()
