"""Reads of data-subject requests, scoped to the caller."""

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from consent.models import ConsentEvent, Opposition, OutreachAttempt
from dsar.models import OPEN_STATUSES, DataSubjectRequest, ReceivedVia
from imports.models import ImportJob
from people.models import Employee, Role
from people.selectors import employee_of, role_of
from prospects.models import Prospect, ProspectUserObjectPermission, ValueHistory
from prospects.rules import IDENTIFIER_FIELDS

IMPORT_SOURCE = "linkedin_import"


def due_soon_days() -> int:
    return int(getattr(settings, "DSAR_DUE_SOON_DAYS", 7))


def dsar_deadline_counts(*, now=None) -> dict:
    """``{"open", "due_soon", "overdue"}`` over open requests, in one aggregate query.

    Overdue: the due date has passed. Due soon: due within ``DSAR_DUE_SOON_DAYS``
    (and not yet overdue).
    """
    now = now or timezone.now()
    soon = now + timedelta(days=due_soon_days())
    counts = DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("id"),
        due_soon=Count("id", filter=Q(due_at__gte=now, due_at__lt=soon)),
        overdue=Count("id", filter=Q(due_at__lt=now)),
    )
    return {key: counts[key] or 0 for key in ("open", "due_soon", "overdue")}


def dsars_visible_to(user) -> QuerySet[DataSubjectRequest]:
    """The DPO (and admins) see every request; an employee, those they forwarded themselves."""
    requests = DataSubjectRequest.objects.select_related("forwarded_by__user")
    role = role_of(user)
    if role in (Role.DPO, Role.ADMIN):
        return requests
    me = employee_of(user)
    if me is None:
        return requests.none()
    return requests.filter(forwarded_by=me, received_via=ReceivedVia.EMPLOYEE_ACCOUNT)


def dsar_get(*, user, pk) -> DataSubjectRequest:
    try:
        return dsars_visible_to(user).get(pk=pk)
    except (DataSubjectRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def dsar_list(*, user, status: str | None = None) -> QuerySet[DataSubjectRequest]:
    """Open requests first, the most overdue on top; then closed ones, newest first."""
    requests = dsars_visible_to(user)
    if status:
        requests = requests.filter(status=status)
    return requests.annotate(
        closed=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
    ).order_by("closed", "due_at", "id")


def identifier_indexes_of(dsar: DataSubjectRequest) -> dict[str, str]:
    return {
        field: getattr(dsar, f"{field}_index")
        for field in IDENTIFIER_FIELDS
        if getattr(dsar, f"{field}_index")
    }


def _index_condition(indexes: dict[str, str]) -> Q:
    condition = Q(pk__in=[])
    for field, index in indexes.items():
        condition |= Q(**{f"{field}_index": index})
    return condition


def matching_prospects(dsar: DataSubjectRequest) -> QuerySet[Prospect]:
    """Prospects holding any of the request's identifiers (blind-index lookups, indexed)."""
    indexes = identifier_indexes_of(dsar)
    if not indexes:
        return Prospect.objects.none()
    return Prospect.objects.filter(_index_condition(indexes))


def matching_oppositions(dsar: DataSubjectRequest) -> QuerySet[Opposition]:
    condition = Q(pk__in=[])
    for field, index in identifier_indexes_of(dsar).items():
        condition |= Q(identifier_type=field, identifier_index=index)
    return Opposition.objects.filter(condition)


def related_requests(dsar: DataSubjectRequest) -> QuerySet[DataSubjectRequest]:
    """Every request (this one included) naming one of the same identifiers."""
    indexes = identifier_indexes_of(dsar)
    return DataSubjectRequest.objects.filter(_index_condition(indexes) | Q(pk=dsar.pk))


@dataclass
class Matches:
    prospects: list
    consent_events: list
    outreach: list
    oppositions: list
    import_jobs: list
    holders: list = dataclasses.field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.prospects or self.oppositions or self.outreach)


def dsar_matches(dsar: DataSubjectRequest) -> Matches:
    """Everything the CRM holds about the person, in a handful of indexed queries.

    ``holders``: the employees and personal social accounts that hold or held the
    data — owners and their accounts, colleagues it was shared with, whoever
    contacted or recorded something about the person.
    """
    prospects = list(
        matching_prospects(dsar).select_related("owner__user", "social_account").order_by("id")
    )
    ids = [p.pk for p in prospects]
    consent_events = list(
        ConsentEvent.objects.filter(prospect_id__in=ids).select_related("captured_by__user")
    )
    outreach = list(
        OutreachAttempt.objects.filter(prospect_id__in=ids).select_related(
            "employee__user", "social_account"
        )
    )
    oppositions = list(matching_oppositions(dsar).order_by("created_at"))
    import_jobs = list(_import_jobs_of(prospects))
    shares = list(
        ProspectUserObjectPermission.objects.filter(content_object_id__in=ids).select_related(
            "user__employee"
        )
    )
    recorders = list(
        ValueHistory.objects.filter(prospect_id__in=ids, recorded_by__isnull=False)
        .order_by()
        .values_list("recorded_by_id", flat=True)
        .distinct()
    )
    holders = _holders(prospects, outreach, shares, consent_events, recorders)
    return Matches(
        prospects=prospects,
        consent_events=consent_events,
        outreach=outreach,
        oppositions=oppositions,
        import_jobs=import_jobs,
        holders=holders,
    )


def _import_jobs_of(prospects):
    """The import jobs that brought these prospects in (owner's job running at creation)."""
    imported = [p for p in prospects if p.source == IMPORT_SOURCE]
    if not imported:
        return ImportJob.objects.none()
    condition = Q(pk__in=[])
    for prospect in imported:
        condition |= Q(
            owner_id=prospect.owner_id,
            created_at__lte=prospect.created_at,
        ) & (Q(finished_at__isnull=True) | Q(finished_at__gte=prospect.created_at))
    return ImportJob.objects.filter(condition).order_by("created_at")


def _holders(prospects, outreach, shares, consent_events, recorder_ids) -> list[dict]:
    """Reasons: ``owner``, ``outreach``, ``shared`` (they may hold the person on their own
    accounts or screens), ``recorded`` and ``consent`` (they wrote something in the CRM)."""
    holders: dict[int, dict] = {}

    def add(employee, why, account=None):
        if employee is None:
            return
        entry = holders.setdefault(
            employee.pk, {"employee": employee, "reasons": set(), "accounts": {}}
        )
        entry["reasons"].add(why)
        if account is not None:
            entry["accounts"][account.pk] = account

    for prospect in prospects:
        add(prospect.owner, "owner", prospect.social_account)
    for attempt in outreach:
        add(attempt.employee, "outreach", attempt.social_account)
    for share in shares:
        add(getattr(share.user, "employee", None), "shared")
    for event in consent_events:
        add(event.captured_by, "consent")
    missing = [pk for pk in recorder_ids if pk not in holders]
    for employee in Employee.objects.filter(pk__in=missing).select_related("user"):
        add(employee, "recorded")
    for pk in recorder_ids:
        if pk in holders:
            holders[pk]["reasons"].add("recorded")
    return [
        {
            "employee": entry["employee"],
            "reasons": sorted(entry["reasons"]),
            "accounts": list(entry["accounts"].values()),
        }
        for entry in sorted(holders.values(), key=lambda e: e["employee"].username)
    ]
