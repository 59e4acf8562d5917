"""Writes on charters and training: atomic and audited."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from charters import selectors
from charters.models import Acknowledgement, CharterVersion, Training


@transaction.atomic
def charter_acknowledge(
    *, employee, version: CharterVersion, via: str
) -> tuple[Acknowledgement, bool]:
    """Record that ``employee`` read and accepted ``version``; again is a no-op.

    Only the current version can be acknowledged: accepting a superseded text proves nothing.
    """
    current = selectors.current_versions().filter(charter_id=version.charter_id).first()
    if current is None or current.pk != version.pk:
        raise ValidationError(
            {"version": _("this version is not the current one; acknowledge the current version")},
            code="superseded",
        )
    existing = Acknowledgement.objects.filter(employee=employee, version=version).first()
    if existing is not None:
        return existing, False
    acknowledgement = Acknowledgement(
        employee=employee, version=version, at=timezone.now(), via=via
    )
    acknowledgement.full_clean(exclude=["employee", "version"])
    acknowledgement.save()
    events.created(actor=employee.user, obj=acknowledgement, fields=["version", "via"])
    return acknowledgement, True


@transaction.atomic
def training_record(
    *,
    actor,
    employee,
    completed_at: datetime.date,
    valid_until: datetime.date | None = None,
) -> Training:
    if valid_until is None:
        valid_until = completed_at + datetime.timedelta(days=settings.TRAINING_VALIDITY_DAYS)
    if valid_until < completed_at:
        raise ValidationError(
            {"valid_until": _("the validity cannot end before the completion date")}
        )
    training = Training(
        employee=employee,
        completed_at=completed_at,
        valid_until=valid_until,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    training.full_clean(exclude=["employee", "recorded_by"])
    training.save()
    events.created(actor=actor, obj=training, fields=["employee", "completed_at", "valid_until"])
    return training
