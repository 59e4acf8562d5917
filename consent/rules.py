"""Pure rules on consent events (no database access)."""

from consent.models import ConsentAction, Evidence


def current_status(events) -> str | None:
    """Latest event wins; on a tie, opt-out wins (RULES 2). ``events``: (occurred_at, action)."""
    latest_at, status = None, None
    for occurred_at, action in events:
        if latest_at is None or occurred_at > latest_at:
            latest_at, status = occurred_at, action
        elif occurred_at == latest_at and action == ConsentAction.WITHDRAW:
            status = action
    return status


def counts_for_the_gate(*, action: str, evidence: str, wording_shown: str) -> bool:
    """Whether an event weighs in the current status, as the gate reads it (``consent.facts``).

    Withdrawals always do. A grant does with the wording shown to the person (RULES 6:
    older grants without it stay as history) and not when it records a sale (a soft
    opt-in basis, not an opt-in: RULES 3).
    """
    if action == ConsentAction.WITHDRAW:
        return True
    return evidence != Evidence.SALE and bool(wording_shown)
