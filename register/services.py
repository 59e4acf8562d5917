"""Writes to the register, each with its audit entry in the same transaction."""

from django.db import transaction

from audit import events
from register.models import ProcessingActivity


@transaction.atomic
def processing_activity_create(*, actor, data: dict) -> ProcessingActivity:
    activity = ProcessingActivity(**data)
    activity.full_clean()
    activity.save()
    events.created(actor=actor, obj=activity, fields=data.keys())
    return activity


@transaction.atomic
def processing_activity_update(*, actor, activity: ProcessingActivity, data: dict):
    """Apply ``data``; only the fields whose value changed are saved and named in the audit."""
    changed = [name for name, value in data.items() if getattr(activity, name) != value]
    if not changed:
        return activity
    for name in changed:
        setattr(activity, name, data[name])
    activity.full_clean()
    activity.save(update_fields=[*changed, "updated_at"])
    events.changed(actor=actor, obj=activity, fields=changed)
    return activity
