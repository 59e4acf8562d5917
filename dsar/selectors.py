"""Reads of data-subject requests, scoped to the caller."""

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from consent.models import ConsentEvent, OutreachAttempt
from dsar import rules
from dsar.models import OPEN_STATUSES, DataSubjectRequest, DsarMail, ReceivedVia
from imports.models import ImportJob
from people.models import Employee, Role
from people.selectors import employee_of, role_of
from prospects.models import Prospect, ProspectUserObjectPermission, ValueHistory
from prospects.rules import IDENTIFIER_FIELDS
from suppression.models import Opposition

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


def with_mails(requests: QuerySet[DataSubjectRequest]) -> QuerySet[DataSubjectRequest]:
    """The requests with their mails' statuses, for a whole page in one query (the mails'
    sealed contents are not read)."""
    return requests.prefetch_related(
        Prefetch(
            "mails",
            queryset=DsarMail.objects.select_related("mail").defer(
                "mail__recipient",
                "mail__subject",
                "mail__text_body",
                "mail__html_body",
                "mail__headers",
            ),
        )
    )


def dsar_list(*, user, status: str | None = None) -> QuerySet[DataSubjectRequest]:
    """Open requests first, the most overdue on top; then closed ones, newest first."""
    requests = dsars_visible_to(user)
    if status:
        requests = requests.filter(status=status)
    return requests.annotate(
        closed=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
    ).order_by("closed", "due_at", "id")


def identifier_indexes_of(dsar: DataSubjectRequest) -> dict[str, str]:
    """Every identifier the request names, verified or not (for the DPO's review)."""
    return {
        field: getattr(dsar, f"{field}_index")
        for field in IDENTIFIER_FIELDS
        if getattr(dsar, f"{field}_index")
    }


def verified_indexes_of(dsar: DataSubjectRequest) -> dict[str, str]:
    """The identifiers the requester proved or the DPO verified (RULES 22)."""
    return {
        field: index
        for field, index in identifier_indexes_of(dsar).items()
        if field in (dsar.verified_identifiers or [])
    }


def _index_condition(indexes: dict[str, str]) -> Q:
    condition = Q(pk__in=[])
    for field, index in indexes.items():
        condition |= Q(**{f"{field}_index": index})
    return condition


def _pairs_condition(pairs, *, type_field: str, index_field: str) -> Q:
    condition = Q(pk__in=[])
    for field, index in pairs:
        condition |= Q(**{type_field: field, index_field: index})
    return condition


def matching_prospects(dsar: DataSubjectRequest) -> QuerySet[Prospect]:
    """Prospects holding any of the request's identifiers, verified or not (candidates the
    DPO reviews; blind-index lookups, indexed)."""
    indexes = identifier_indexes_of(dsar)
    if not indexes:
        return Prospect.objects.none()
    return Prospect.objects.filter(_index_condition(indexes))


@dataclass(frozen=True)
class Match:
    """A record holding one of the request's identifiers, and whether the DPO must confirm it."""

    prospect: Prospect
    matched_on: tuple[str, ...]
    verified: bool
    shared: bool
    # The DPO's decision: True confirmed, False left out, None not reviewed yet.
    confirmed: bool | None

    @property
    def reasons(self) -> list[str]:
        return rules.confirmation_reasons(verified=self.verified, shared=self.shared)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.reasons)

    @property
    def acted_on(self) -> bool:
        """Confirmed by the DPO, or (not reviewed) reached through a verified, unshared identifier."""
        if self.confirmed is not None:
            return self.confirmed
        return not self.needs_confirmation


def dsar_match_review(dsar: DataSubjectRequest) -> list[Match]:
    """RULES 22 in one query: each candidate record, what matched, verified, shared.

    ``shared``: an identifier it matched on is also held on a record with another name
    (compared on the names' keyed word hashes, never decrypted).
    """
    indexes = identifier_indexes_of(dsar)
    if not indexes:
        return []
    prospects = list(matching_prospects(dsar).order_by("created_at", "id"))
    holders: dict[str, list[str]] = {}
    for prospect in prospects:
        for field, index in indexes.items():
            if getattr(prospect, f"{field}_index") == index:
                holders.setdefault(field, []).append(prospect.name_tokens)
    shared = rules.shared_identifiers(holders)
    verified = set(dsar.verified_identifiers or [])
    reviewed = set(dsar.reviewed_prospects or [])
    confirmed = set(dsar.confirmed_prospects or [])
    matches = []
    for prospect in prospects:
        matched_on = tuple(
            field
            for field, index in indexes.items()
            if getattr(prospect, f"{field}_index") == index
        )
        key = str(prospect.pk)
        matches.append(
            Match(
                prospect=prospect,
                matched_on=matched_on,
                verified=any(field in verified for field in matched_on),
                shared=any(field in shared for field in matched_on),
                confirmed=(key in confirmed) if key in reviewed else None,
            )
        )
    return matches


def unconfirmed_matches(matches: list[Match]) -> list[Match]:
    """Matches that need the DPO's confirmation and were not reviewed yet (execute → 409)."""
    return [m for m in matches if m.needs_confirmation and m.confirmed is None]


def acted_on_ids(matches: list[Match]) -> list:
    return [m.prospect.pk for m in matches if m.acted_on]


def person_indexes(dsar: DataSubjectRequest, prospects) -> list[tuple[str, str]]:
    """Every identifier of the person: those verified on the request and every identifier
    held on the records acted on (the profile URL included). Never an unverified one alone."""
    pairs = dict.fromkeys(verified_indexes_of(dsar).items())
    for prospect in prospects:
        for field in IDENTIFIER_FIELDS:
            index = getattr(prospect, f"{field}_index", None)
            if index:
                pairs[(field, index)] = None
    return list(pairs)


def oppositions_of(pairs) -> QuerySet[Opposition]:
    return Opposition.objects.filter(
        _pairs_condition(pairs, type_field="identifier_type", index_field="identifier_index")
    )


def matching_oppositions(dsar: DataSubjectRequest) -> QuerySet[Opposition]:
    return oppositions_of(identifier_indexes_of(dsar).items())


def related_requests(dsar: DataSubjectRequest, pairs=None) -> QuerySet[DataSubjectRequest]:
    """Every request (this one included) naming one of these identifiers (by default the
    request's verified ones)."""
    pairs = verified_indexes_of(dsar).items() if pairs is None else pairs
    condition = Q(pk=dsar.pk)
    for field, index in pairs:
        condition |= Q(**{f"{field}_index": index})
    return DataSubjectRequest.objects.filter(condition)


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


def dsar_matches(dsar: DataSubjectRequest, *, prospect_ids=None) -> Matches:
    """Everything the CRM holds about the person, in a handful of indexed queries.

    ``prospect_ids``: the records acted on (an execution); without it, every candidate
    record (the DPO's page, before the review). ``holders``: the employees and personal
    social accounts that hold or held the data — owners and their accounts, colleagues it
    was shared with, whoever contacted or recorded something about the person.
    """
    if prospect_ids is None:
        candidates = matching_prospects(dsar)
    else:
        candidates = Prospect.objects.filter(pk__in=list(prospect_ids))
    prospects = list(candidates.select_related("owner__user", "social_account").order_by("id"))
    ids = [p.pk for p in prospects]
    consent_events = list(
        ConsentEvent.objects.filter(prospect_id__in=ids).select_related("captured_by__user")
    )
    outreach = list(
        OutreachAttempt.objects.filter(prospect_id__in=ids).select_related(
            "employee__user", "social_account"
        )
    )
    if prospect_ids is None:
        oppositions = list(matching_oppositions(dsar).order_by("created_at"))
    else:
        oppositions = list(oppositions_of(person_indexes(dsar, prospects)).order_by("created_at"))
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
