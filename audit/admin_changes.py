"""Changes made through the Django admin go in the audit chain.

The admin notes each addition, change and deletion as a ``LogEntry``; a receiver on
its creation writes the matching audit event (``admin.added``, ``admin.changed``,
``admin.deleted``), naming the model, the record and the fields changed. Several
objects deleted at once are noted in one bulk insert, which sends no signal: the
site's "delete selected" action is replaced by one that records them (``audit.admin``).
"""

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from audit import events

ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def _field_names(model, entry: LogEntry) -> list[str]:
    """The changed fields the entry names (by label, in the default language), as field names."""
    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    labels = [
        label
        for message in messages
        if isinstance(message, dict) and isinstance(message.get("changed"), dict)
        for label in message["changed"].get("fields", [])
    ]
    if model is None:
        return labels
    with translation.override(None):
        # The admin's labels are the verbose names, capitalised.
        by_label = {
            str(field.verbose_name).lower(): field.name
            for field in model._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
    return [by_label.get(str(label).lower(), label) for label in labels]


def admin_change_record(*, user, content_type_id: int, object_id, action_flag: int, entry=None):
    content_type = ContentType.objects.get_for_id(content_type_id)
    model = content_type.model_class()
    return events.record(
        actor=user,
        action=ACTIONS[action_flag],
        object_type=f"{content_type.app_label}.{content_type.model}",
        object_id=object_id,
        fields=_field_names(model, entry) if entry is not None else (),
    )


def log_entry_created(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.action_flag not in ACTIONS:
        return
    admin_change_record(
        user=instance.user,
        content_type_id=instance.content_type_id,
        object_id=instance.object_id,
        action_flag=instance.action_flag,
        entry=instance,
    )
