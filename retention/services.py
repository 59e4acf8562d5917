"""Writes of the retention jobs (RULES 18-19), one bounded batch per call.

Each call is one transaction: it claims its rows (``SELECT … FOR UPDATE SKIP
LOCKED``, or the cursor row's lock), changes them, writes one audit entry with
the counts of that batch (never a value), and says whether more is left. The
Celery tasks and the management commands call them until nothing is left;
running them again is a no-op.

Purging a prospect at the end of retention is not an objection: no suppression
entry is added, so the person may be collected again later under a new basis.
"""

import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit import events
from consent.models import (
    ConsentEvent,
    RemovalReason,
    RemovedRecord,
    consent_evidence_expiry,
)
from consent.services import evidence_keep, outreach_contents_empty
from deals import services as deal_services
from people.models import Employee
from prospects import rules as prospect_rules
from prospects.models import Prospect, ValueHistory
from retention import selectors
from retention.models import RepermissionRequest, RetentionCursor

logger = logging.getLogger(__name__)

# Who the audit trail names for these jobs: no user runs them.
ACTOR = "retention"


@dataclass(frozen=True)
class Batch:
    counts: dict[str, int] = field(default_factory=dict)
    more: bool = False


def new_run_id() -> str:
    """Groups the audit entries of one run's batches."""
    return uuid.uuid4().hex


def expired_prospects_batch(*, run_id: str, today: datetime.date, batch_size: int) -> Batch:
    """One step of the nightly prospect job: customers' dates kept up, re-permission
    requests, then the purge."""
    counts = customers_keep(run_id=run_id, today=today, batch_size=batch_size).counts
    if settings.RETENTION_REPERMISSION:
        asked = repermission_request_batch(run_id=run_id, today=today, batch_size=batch_size)
        if asked.more:
            return Batch({**counts, **asked.counts}, more=True)
        counts.update(asked.counts)
    purged = expired_prospects_purge_batch(run_id=run_id, today=today, batch_size=batch_size)
    return Batch({**counts, **purged.counts}, more=purged.more)


def customers_keep(*, run_id: str, today: datetime.date, batch_size: int) -> Batch:
    """RULES 18: bring the retention dates the gate reads up to the rule before anything is
    asked or purged.

    Customers near their date get the end of their customer period (a deal kept open
    keeps its customer from day to day, which no write records). Records dated from
    their collection before 2026.12 get the date their entry into the CRM gives (a 2019
    connection imported last month is not expired). Dates only move forward.
    """
    counts = {
        "customers_kept": _walk_by_id(
            selectors.customers_near_their_date(today=today),
            lambda ids: deal_services.customers_retention_extend(prospect_ids=ids, today=today),
            batch_size=batch_size,
        ),
        "dates_from_entry": _walk_by_id(
            selectors.dated_before_entry(today=today),
            _date_from_entry,
            batch_size=batch_size,
        ),
    }
    counts = {name: count for name, count in counts.items() if count}
    if counts:
        _audit("retention.dates_kept", run_id=run_id, counts=counts)
    return Batch(counts)


def _walk_by_id(candidates, step, *, batch_size: int) -> int:
    """Run ``step`` on the candidates' ids, one transaction per batch, each row once.

    Walked by id rather than re-selected: a row whose new date is still near (a customer
    period ending soon) must not be claimed again and again.
    """
    done, after = 0, None
    while True:
        with transaction.atomic():
            batch = candidates.order_by("pk")
            if after is not None:
                batch = batch.filter(pk__gt=after)
            ids = list(
                batch.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            done += step(ids)
        after = ids[-1]


def _date_from_entry(ids) -> int:
    targets = {
        pk: prospect_rules.retention_until(
            last_contact, created_at, settings.PROSPECT_RETENTION_DAYS
        )
        for pk, last_contact, created_at in Prospect.objects.filter(pk__in=ids).values_list(
            "pk", "last_contact_from_prospect_at", "created_at"
        )
    }
    return deal_services.retention_push(targets)


@transaction.atomic
def repermission_request_batch(*, run_id: str, today: datetime.date, batch_size: int) -> Batch:
    """Ask the owners of prospects whose retention ends soon to ask them once (RULES 18).

    The attempt is made before ``retention_until``, while the gate still lets the
    rep write to the person: a reply they log moves the clock and saves the
    record; without one the purge takes it when the date has passed. A prospect
    already past its date is not asked any more (the gate blocks any contact
    with ``retention_expired``): it is purged.
    """
    claimed = list(
        selectors.repermission_due(today=today)
        .order_by("retention_until", "id")
        .select_for_update(skip_locked=True)
        .values_list("id", "owner_id", "retention_until")[:batch_size]
    )
    if not claimed:
        return Batch()
    now = timezone.now()
    RepermissionRequest.objects.bulk_create(
        [
            RepermissionRequest(
                prospect_id=prospect_id,
                owner_id=owner_id,
                retention_until=retention_until,
                requested_at=now,
            )
            for prospect_id, owner_id, retention_until in claimed
        ],
        # Two overlapping runs: the constraint keeps one attempt per period.
        ignore_conflicts=True,
    )
    counts = {"repermission_requests": len(claimed)}
    _audit("retention.repermission_requested", run_id=run_id, counts=counts)
    by_owner: dict[int, list[tuple[uuid.UUID, datetime.date]]] = defaultdict(list)
    for prospect_id, owner_id, retention_until in claimed:
        by_owner[owner_id].append((prospect_id, retention_until))
    # Queued with the requests, in this transaction: a mail server that is down fails
    # nothing here; the outbox retries the mail until it is sent (or marked failed).
    _ask_owners(by_owner)
    return Batch(counts, more=len(claimed) == batch_size)


@transaction.atomic
def expired_prospects_purge_batch(*, run_id: str, today: datetime.date, batch_size: int) -> Batch:
    """Delete prospects past retention with their value history and shares (RULES 18).

    Evidence stays (RULES 19, ``consent.services.evidence_keep``): consent events and
    outreach attempts lose the link to the record, attempts their message text too,
    until ``EVIDENCE_RETENTION_DAYS`` after the purge.
    """
    claimed = list(
        selectors.expired_prospects(today=today)
        .order_by("retention_until", "id")
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[:batch_size]
    )
    if not claimed:
        return Batch()
    counts = {
        "prospects": len(claimed),
        "value_history": ValueHistory.objects.filter(prospect_id__in=claimed).count(),
        **evidence_keep(prospect_ids=claimed, reason=RemovalReason.RETENTION),
    }
    # Value history, shares and re-permission requests cascade; evidence is unlinked.
    Prospect.objects.filter(pk__in=claimed).delete()
    _audit("retention.prospects_purged", run_id=run_id, counts=counts)
    return Batch(counts, more=len(claimed) == batch_size)


@transaction.atomic
def evidence_purge_batch(*, run_id: str, now: datetime.datetime, batch_size: int) -> Batch:
    """The end of the evidence period, ``EVIDENCE_RETENTION_DAYS`` (RULES 19).

    Removed records whose period has ended go with their consent events (the only
    events the append-only rule lets go, ``consent_evidence_expiry``). Outreach
    contents older than the period are emptied; the attempt itself stays: channel,
    decision, reasons, rules version, dates.
    """
    removed = list(
        selectors.removed_records_due(now=now)
        .order_by("removed_at", "prospect_ref")
        .select_for_update(skip_locked=True)
        .values_list("prospect_ref", flat=True)[:batch_size]
    )
    unlisted = list(
        selectors.unlisted_detached_consent_due(now=now)
        .order_by("recorded_at", "id")
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[: batch_size - len(removed)]
    )
    consent_events = 0
    if removed or unlisted:
        with consent_evidence_expiry():
            consent_events, _detail = ConsentEvent.objects.filter(
                Q(prospect_ref__in=removed) | Q(pk__in=unlisted), prospect__isnull=True
            ).delete()
        RemovedRecord.objects.filter(pk__in=removed).delete()
    room = batch_size - len(removed) - len(unlisted)
    contents: list[tuple[uuid.UUID, datetime.datetime]] = []
    if room:
        RetentionCursor.objects.get_or_create(name=selectors.OUTREACH_CONTENT_CURSOR)
        # The cursor row's lock is the claim: a second run waits, then starts after us.
        cursor = RetentionCursor.objects.select_for_update().get(
            name=selectors.OUTREACH_CONTENT_CURSOR
        )
        contents = list(
            selectors.outreach_contents_due(now=now, cursor=cursor).values_list("id", "created_at")[
                :room
            ]
        )
        if contents:
            outreach_contents_empty([pk for pk, _created in contents])
            cursor.last_id, cursor.created_at = contents[-1]
            cursor.save(update_fields=["last_id", "created_at"])
    counts = {
        "outreach_contents": len(contents),
        "removed_records": len(removed),
        "consent_events": consent_events,
    }
    if not any(counts.values()):
        return Batch()
    _audit("retention.evidence_purged", run_id=run_id, counts=counts)
    return Batch(counts, more=len(removed) + len(unlisted) + len(contents) == batch_size)


def _audit(action: str, *, run_id: str, counts: dict[str, int]) -> None:
    events.record(
        actor=ACTOR,
        action=action,
        object_type="retention.run",
        object_id=run_id,
        fields=[f"{name}:{count}" for name, count in counts.items()],
    )


def _ask_owners(by_owner: dict[int, list[tuple[uuid.UUID, datetime.date]]]) -> None:
    """Queue a mail to each owner with the pages of the prospects to ask (links and dates
    only, no personal data), in the company's language."""
    from mail import services as mail_services

    owners = Employee.objects.select_related("user").in_bulk(list(by_owner))
    for owner_id, prospects in by_owner.items():
        owner = owners.get(owner_id)
        address = owner.user.email if owner is not None else ""
        if not address:
            continue
        mail_services.queue_templated(
            kind="retention.repermission",
            to=address,
            template="retention_repermission",
            context={
                "count": len(prospects),
                "prospects": [
                    {"url": settings.SITE_URL + reverse("prospect", args=[pk]), "until": until}
                    for pk, until in prospects
                ],
            },
            language=settings.LANGUAGE_CODE,
        )
