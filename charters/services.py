"""Writes on charters and training: atomic and audited."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from charters import selectors
from charters.models import Acknowledgement, Charter, CharterKind, CharterVersion, Training


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


@transaction.atomic
def charter_version_publish(
    *,
    actor,
    kind: str,
    title_en: str,
    title_fr: str,
    text_en: str,
    text_fr: str,
    effective_date: datetime.date,
    required_for_prospecting: bool,
    staff_consulted_on: datetime.date | None = None,
) -> CharterVersion:
    """Publish the next version of the ``kind`` charter (created on its first version).

    A required version replaces the current one on its effective date: from then
    on every earlier acknowledgement is stale and the gate denies ``charter_missing``
    until each employee acknowledges again (RULES 13).
    """
    if kind not in CharterKind.values:
        raise ValidationError({"kind": _("unknown charter kind")})
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if required_for_prospecting and staff_consulted_on is None:
        # C. trav. L1321-4: rules binding employees are adopted after the staff representatives.
        errors.setdefault("staff_consulted_on", []).append(
            _(
                "a charter required for prospecting binds employees only once the staff "
                "representatives have been consulted: give the date of the consultation"
            )
        )
    if staff_consulted_on is not None and staff_consulted_on > today:
        errors.setdefault("staff_consulted_on", []).append(
            _("the consultation date cannot be in the future")
        )
    if staff_consulted_on is not None and staff_consulted_on > effective_date:
        errors.setdefault("staff_consulted_on", []).append(
            _("the staff representatives must be consulted before the charter takes effect")
        )
    if effective_date < today:
        errors.setdefault("effective_date", []).append(
            _("a charter cannot take effect before it is published")
        )
    charter, _created = Charter.objects.get_or_create(kind=kind)
    # Serialises two publications of the same charter: version numbers stay gapless and unique.
    charter = Charter.objects.select_for_update().get(pk=charter.pk)
    latest = charter.versions.order_by("-version").first()
    if latest is not None and effective_date < latest.effective_date:
        errors.setdefault("effective_date", []).append(
            _(
                "the previous version takes effect on %(date)s; a newer one cannot take effect "
                "earlier"
            )
            % {"date": latest.effective_date}
        )
    if errors:
        raise ValidationError(errors)
    version = CharterVersion(
        charter=charter,
        version=(latest.version + 1) if latest else 1,
        title_en=title_en.strip(),
        title_fr=title_fr.strip(),
        text_en=text_en.strip(),
        text_fr=text_fr.strip(),
        effective_date=effective_date,
        required_for_prospecting=required_for_prospecting,
        staff_consulted_on=staff_consulted_on,
    )
    version.full_clean(exclude=["charter"])
    version.save()
    events.created(
        actor=actor,
        obj=version,
        fields=[
            "charter",
            "version",
            "effective_date",
            "required_for_prospecting",
            "staff_consulted_on",
            "title_en",
            "title_fr",
            "text_en",
            "text_fr",
        ],
    )
    return version
