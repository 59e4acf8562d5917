"""Small functions that write audit events, in the caller's transaction.

Call them from services, next to the change they describe, so that the change
and its trace commit or roll back together.
"""

from datetime import UTC, datetime

from django.db import transaction

from audit.models import GENESIS_HASH, AuditEvent
from core import database

# Any constant works; it names the advisory lock that serialises the chain.
_CHAIN_LOCK = 0x50C1A1


def chain_lock() -> None:
    """Serialise the chain's writers (and checkpoints) until the transaction ends."""
    # Two writers must not both link to the same previous event.
    database.lock_for_transaction(_CHAIN_LOCK)


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    fields=(),
    record_ids=(),
):
    """Append one event to the chain and return it.

    ``record_ids``: the records a list or export read showed (``people.reads``).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        chain_lock()
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        user = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            at=datetime.now(UTC),
            actor=user,
            actor_label=user.get_username()
            if user
            else (actor if isinstance(actor, str) else "system"),
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            fields=sorted(fields),
            record_ids=[str(pk) for pk in record_ids],
            prev_hash=previous or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def personal_data_read(*, actor, obj, fields=()):
    return record(actor=actor, action="personal_data.read", obj=obj, fields=fields)


def created(*, actor, obj, fields=()):
    return record(actor=actor, action="created", obj=obj, fields=fields)


def changed(*, actor, obj, fields):
    return record(actor=actor, action="changed", obj=obj, fields=fields)


def deleted(*, actor, obj):
    return record(actor=actor, action="deleted", obj=obj)
