"""Pure rules on consent events (no database access)."""

from consent.models import ConsentAction


def current_status(events) -> str | None:
    """Latest event wins; on a tie, opt-out wins (RULES 2). ``events``: (occurred_at, action)."""
    latest_at, status = None, None
    for occurred_at, action in events:
        if latest_at is None or occurred_at > latest_at:
            latest_at, status = occurred_at, action
        elif occurred_at == latest_at and action == ConsentAction.WITHDRAW:
            status = action
    return status
