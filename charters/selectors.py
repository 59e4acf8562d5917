"""Reads on charters and training: current versions, what an employee lacks, and the gate's view."""

import datetime

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from charters.models import Acknowledgement, CharterVersion, Training


def current_versions(*, today: datetime.date | None = None) -> QuerySet[CharterVersion]:
    """Per charter, the highest version whose effective date has come."""
    today = today or timezone.localdate()
    newer = CharterVersion.objects.filter(
        charter=OuterRef("charter"), version__gt=OuterRef("version"), effective_date__lte=today
    )
    return (
        CharterVersion.objects.filter(effective_date__lte=today)
        .exclude(Exists(newer))
        .select_related("charter")
        .order_by("charter__kind")
    )


def _unacknowledged_required(*, employee_id, today: datetime.date) -> QuerySet[CharterVersion]:
    acknowledged = Acknowledgement.objects.filter(employee_id=employee_id, version=OuterRef("pk"))
    return (
        current_versions(today=today)
        .filter(required_for_prospecting=True)
        .exclude(Exists(acknowledged))
    )


def missing_required_count(*, employee_id, today: datetime.date) -> Coalesce:
    """A scalar subquery: how many required current charters the employee has not acknowledged.

    The gate annotates it on its one prospect query, so compliance costs no extra round trip.
    """
    counted = (
        _unacknowledged_required(employee_id=employee_id, today=today)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def training_valid_until_of(*, employee_id) -> Subquery:
    """A scalar subquery: the latest validity end of the employee's trainings (or NULL)."""
    latest = Training.objects.filter(employee_id=employee_id).order_by("-valid_until")
    return Subquery(latest.values("valid_until")[:1])


def acknowledged_version_ids(*, employee) -> set[int]:
    return set(
        Acknowledgement.objects.filter(employee=employee).values_list("version_id", flat=True)
    )


def compliance_of_many(employees, *, today: datetime.date | None = None) -> dict[int, dict]:
    """Per employee id, what keeps them from prospecting (RULES 12–13), in three queries."""
    today = today or timezone.localdate()
    employees = list(employees)
    ids = [e.pk for e in employees]
    required = list(current_versions(today=today).filter(required_for_prospecting=True))
    acknowledged = set(
        Acknowledgement.objects.filter(employee_id__in=ids, version__in=required).values_list(
            "employee_id", "version_id"
        )
    )
    validity = dict(
        Training.objects.filter(employee_id__in=ids)
        .values("employee_id")
        .annotate(v=Max("valid_until"))
        .values_list("employee_id", "v")
    )
    result = {}
    for employee in employees:
        missing = sorted(
            v.charter.kind for v in required if (employee.pk, v.pk) not in acknowledged
        )
        valid_until = validity.get(employee.pk)
        training_valid = not settings.TRAINING_REQUIRED or (
            valid_until is not None and valid_until >= today
        )
        result[employee.pk] = {
            "charters_missing": missing,
            "training_valid_until": valid_until,
            "training_valid": training_valid,
            "can_prospect": employee.is_active_employee and not missing and training_valid,
        }
    return result


def compliance_of(employee, *, today: datetime.date | None = None) -> dict:
    """What keeps the employee from prospecting: the same facts the gate reads (RULES 12–13)."""
    return compliance_of_many([employee], today=today)[employee.pk]


class VersionStatus:
    CURRENT = "current"
    SCHEDULED = "scheduled"
    SUPERSEDED = "superseded"


def versions_of(*, kind: str, today: datetime.date | None = None) -> list[CharterVersion]:
    """Every version of the ``kind`` charter, newest first, each with its ``status``.

    The status uses the same rule as ``current_versions``: the highest version
    already in force is current; later ones are scheduled, earlier ones superseded.
    """
    today = today or timezone.localdate()
    versions = list(
        CharterVersion.objects.filter(charter__kind=kind)
        .select_related("charter")
        .annotate(acknowledgement_count=Count("acknowledgements"))
        .order_by("-version")
    )
    current = next((v for v in versions if v.effective_date <= today), None)
    for version in versions:
        if current is None or version.version > current.version:
            version.status = VersionStatus.SCHEDULED
        elif version.pk == current.pk:
            version.status = VersionStatus.CURRENT
        else:
            version.status = VersionStatus.SUPERSEDED
    return versions
