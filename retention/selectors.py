"""Reads of the retention jobs: what is due, by the clock only the prospect moves (RULES 18-19)."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from consent.models import ConsentEvent, OutreachAttempt, RemovedRecord
from deals.selectors import customer_q
from prospects.models import Prospect, ValueHistory
from retention.models import RepermissionRequest, RetentionCursor

OUTREACH_CONTENT_CURSOR = "outreach_content"


def expired_prospects(*, today: datetime.date) -> QuerySet[Prospect]:
    """Prospects the gate already blocks with ``retention_expired``.

    ``retention_until`` is what the gate reads; the other conditions re-derive it from
    the record's entry into the CRM and the last contact coming from the prospect, so a
    date computed from an old collection date, or one a reply missed, does not purge the
    record. Our own writes (edits, outreach, enrichment) move neither.
    """
    last_allowed_contact = datetime.datetime.combine(
        today - datetime.timedelta(days=settings.PROSPECT_RETENTION_DAYS),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return (
        Prospect.objects.filter(retention_until__lt=today, created_at__lt=last_allowed_contact)
        .filter(
            Q(last_contact_from_prospect_at__isnull=True)
            | Q(last_contact_from_prospect_at__lt=last_allowed_contact)
        )
        # RULES 18: a customer is no stale prospect, whatever a stale date says.
        .exclude(customer_q(on=today))
    )


def customers_near_their_date(*, today: datetime.date) -> QuerySet[Prospect]:
    """Customers whose retention date comes within the re-permission window (or has passed):
    the nightly job pushes it to the end of their customer period (``deals.services``)."""
    window_end = today + datetime.timedelta(days=settings.RETENTION_REPERMISSION_DAYS)
    return Prospect.objects.filter(customer_q(on=today)).filter(
        Q(retention_until__isnull=True) | Q(retention_until__lte=window_end)
    )


def dated_before_entry(*, today: datetime.date) -> QuerySet[Prospect]:
    """Records near or past their retention date although they entered the CRM within the
    retention period: maybe dated from their collection (before 2026.12). Those rightly
    near it are walked too, and left as they are."""
    window_end = today + datetime.timedelta(days=settings.RETENTION_REPERMISSION_DAYS)
    entered_since = datetime.datetime.combine(
        today - datetime.timedelta(days=settings.PROSPECT_RETENTION_DAYS),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return Prospect.objects.filter(created_at__gte=entered_since).filter(
        Q(retention_until__isnull=True) | Q(retention_until__lt=window_end)
    )


def repermission_due(*, today: datetime.date) -> QuerySet[Prospect]:
    """Prospects reaching the end of retention within the notice window, not yet asked for it."""
    window_end = today + datetime.timedelta(days=settings.RETENTION_REPERMISSION_DAYS)
    asked = RepermissionRequest.objects.filter(
        prospect=OuterRef("pk"), retention_until=OuterRef("retention_until")
    )
    return (
        Prospect.objects.filter(retention_until__gte=today, retention_until__lte=window_end)
        .exclude(Exists(asked))
        # A customer still kept after the window is not asked; one whose customer period
        # ends within it is, like any prospect.
        .exclude(customer_q(on=window_end))
    )


def evidence_cutoff(*, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.EVIDENCE_RETENTION_DAYS)


def outreach_contents_due(
    *, now: datetime.datetime, cursor: RetentionCursor | None
) -> QuerySet[OutreachAttempt]:
    """Outreach attempts older than the evidence period, after the cursor, oldest first."""
    attempts = OutreachAttempt.objects.filter(created_at__lt=evidence_cutoff(now=now))
    if cursor is not None and cursor.created_at is not None:
        attempts = attempts.filter(
            Q(created_at__gt=cursor.created_at)
            | Q(created_at=cursor.created_at, id__gt=cursor.last_id)
        )
    return attempts.order_by("created_at", "id")


def removed_records_due(*, now: datetime.datetime) -> QuerySet[RemovedRecord]:
    """Removed prospects whose evidence period has ended (RULES 19)."""
    return RemovedRecord.objects.filter(removed_at__lt=evidence_cutoff(now=now))


def unlisted_detached_consent_due(*, now: datetime.datetime) -> QuerySet[ConsentEvent]:
    """Consent events of a record removed some other way (no ``RemovedRecord``): their
    period runs from when they were recorded."""
    return ConsentEvent.objects.filter(
        prospect__isnull=True, recorded_at__lt=evidence_cutoff(now=now)
    ).exclude(Exists(RemovedRecord.objects.filter(prospect_ref=OuterRef("prospect_ref"))))


def prospects_due_counts(*, today: datetime.date) -> dict[str, int]:
    """What the prospect job would do today: counts only (``--dry-run``)."""
    expired = expired_prospects(today=today).values("pk")
    return {
        "repermission_requests": repermission_due(today=today).count()
        if settings.RETENTION_REPERMISSION
        else 0,
        "prospects": expired.count(),
        "value_history": ValueHistory.objects.filter(prospect__in=expired).count(),
        "consent_events_kept": ConsentEvent.objects.filter(prospect__in=expired).count(),
        "outreach_minimised": OutreachAttempt.objects.filter(prospect__in=expired).count(),
    }


def evidence_due_counts(*, now: datetime.datetime) -> dict[str, int]:
    """What the evidence job would do now: counts only (``--dry-run``)."""
    cursor = RetentionCursor.objects.filter(name=OUTREACH_CONTENT_CURSOR).first()
    return {
        "outreach_contents": outreach_contents_due(now=now, cursor=cursor).count(),
        "removed_records": removed_records_due(now=now).count(),
        "consent_events": ConsentEvent.objects.filter(
            prospect__isnull=True,
            prospect_ref__in=removed_records_due(now=now).values("prospect_ref"),
        ).count()
        + unlisted_detached_consent_due(now=now).count(),
    }
