from audit.models import GENESIS_HASH, AuditEvent


def first_broken_event(*, chunk_size: int = 2000) -> tuple[int | None, str]:
    """Walk the chain in order; return the id of the first bad event and why, or (None, "")."""
    expected_prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return event.id, "does not link to the event before it"
        if event.compute_hash() != event.hash:
            return event.id, "content does not match its hash"
        expected_prev = event.hash
    return None, ""


def audit_events_visible_to(user):
    return AuditEvent.objects.all()
