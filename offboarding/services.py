"""Writes of offboarding: open a case, start it, run its steps, attest, sign off.

A case's steps run one after the other, each in a Celery job (``tasks.run_step``)
enqueued through the outbox in the transaction that finishes the previous step,
so a broker outage at that moment delays the next step instead of losing it.

A step works in batches. Each batch is one transaction that locks the step row
(``select_for_update(skip_locked=True)``: a second job for the same step skips
it rather than doubling the work), reads the cursor, changes at most
``BATCH_SIZE`` prospects with a conditional write (``… WHERE owner = old AND id
IN batch``), moves the cursor and the counts, and commits. A job killed between
two batches loses nothing; the next job starts after the cursor, and a batch
replayed changes nothing.

What happens to the employee's prospects (PRODUCT §3):

- ``employment`` and ``company`` prospects, and ``pre_hire`` ones they contributed,
  go to the successor with their shares (``transfer_data``);
- ``pre_hire`` prospects they did not contribute are their own network: they are
  copied to an export for them (``return_prehire_data``), then deleted
  (``purge_prehire_data``). Values added to such a record during employment
  (``employment`` provenance in its history) are dropped with it: the company's
  only link to that person was the employee's own relationship, which leaves with
  them, and keeping those values would start a new processing without a notice or
  a basis of its own. The export carries the pre-hire values only. Consent events
  and outreach logged about the person survive as minimised evidence (RULES 19):
  keyed hashes of the identifiers, channel, action, dates (``PurgedEvidence``);
  the outreach rows themselves stay, unlinked, until the evidence retention ends.
"""

import datetime
import json
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from audit import events
from consent.models import ConsentEvent, OutreachAttempt, RemovalReason
from consent.services import evidence_keep
from offboarding.models import (
    STEP_ORDER,
    Attestation,
    AttestationItem,
    CaseStatus,
    ExportDownload,
    ExportRow,
    Offboarding,
    OffboardingStep,
    PurgedEvidence,
    StepKey,
    StepStatus,
)
from outbox import services as outbox
from people import services as people_services
from people.models import Employee, EmployeeStatus, Role, paris_today
from prospects import followups
from prospects import services as prospect_services
from prospects.models import Prospect, ProspectUserObjectPermission, Provenance, ValueHistory
from socialcrm.lib import database
from socialcrm.lib.dates import PARIS, in_range
from socialcrm.lib.lookups import AnyOf
from webhooks.services import emit as emit_webhook

RUN_STEP_TASK = "offboarding.tasks.run_step"
# Prospects per batch: big enough for throughput, small enough for short locks.
BATCH_SIZE = 5000
# The transfer only rewrites an owner column: bigger batches, fewer round trips and commits.
TRANSFER_BATCH_SIZE = 20_000
_SUCCESSOR_ROLES = (Role.REP, Role.MANAGER)
# Fields of the employee's own contact that go into their export.
EXPORT_FIELDS = ("full_name", "company", "job_title", "email", "phone", "profile_url", "notes")


def batch_size(key: str = "") -> int:
    default = TRANSFER_BATCH_SIZE if key == StepKey.TRANSFER_DATA else BATCH_SIZE
    return getattr(settings, "OFFBOARDING_BATCH_SIZE", default)


def lease_seconds() -> int:
    """A running step not heard of for this long is re-enqueued by the sweep."""
    return settings.OFFBOARDING_STEP_LEASE_SECONDS


def export_days() -> int:
    return settings.OFFBOARDING_EXPORT_DAYS


def attestation_days() -> int:
    return settings.OFFBOARDING_ATTESTATION_DAYS


class OffboardingConflict(Exception):
    """The request does not fit the case's state (409), with a stable code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _keep(queryset):
    # The prospects that stay at the company: everything but the non-contributed network.
    return queryset.filter(~Q(provenance=Provenance.PRE_HIRE) | Q(contributed=True))


def _own_network(queryset):
    return queryset.filter(provenance=Provenance.PRE_HIRE, contributed=False)


# --- opening and starting a case -------------------------------------------------------


@transaction.atomic
def offboarding_create(
    *, actor, employee: Employee, departure_date: datetime.date, successor: Employee
) -> Offboarding:
    """Open a case with its eight steps, pending; ``OffboardingConflict`` if one is open."""
    if successor.pk == employee.pk:
        raise ValidationError({"successor": _("the successor must be someone else")})
    if not successor.is_active_employee or successor.role not in _SUCCESSOR_ROLES:
        raise ValidationError(
            {"successor": _("the successor must be an active sales rep or manager")}
        )
    if employee.status == EmployeeStatus.DEPARTED:
        raise ValidationError({"employee": _("this employee has already left")})
    try:
        in_range(departure_date)
    except ValidationError as exc:
        raise ValidationError({"departure_date": exc.messages}) from None
    if departure_date < employee.hire_date:
        raise ValidationError({"departure_date": _("the departure comes before the hire date")})
    if Offboarding.objects.filter(employee=employee).exclude(status=CaseStatus.DONE).exists():
        raise OffboardingConflict("open_case", _("this employee already has an open offboarding"))
    try:
        with transaction.atomic():
            case = Offboarding.objects.create(
                employee=employee,
                successor=successor,
                departure_date=departure_date,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                attestation_deadline=departure_date + datetime.timedelta(days=attestation_days()),
            )
    except IntegrityError:
        # Two requests at once: the partial unique constraint let one of them in.
        raise OffboardingConflict(
            "open_case", _("this employee already has an open offboarding")
        ) from None
    OffboardingStep.objects.bulk_create(
        OffboardingStep(offboarding=case, key=key, position=position)
        for position, key in enumerate(STEP_ORDER)
    )
    events.created(actor=actor, obj=case, fields=["employee", "successor", "departure_date"])
    # The date counts from now on, whether or not anyone starts the case (RULES 12); a
    # date already past (a departure recorded late) takes effect at once.
    people_services.employee_departure_record(
        actor=actor, employee=employee, departure_date=departure_date
    )
    return case


@transaction.atomic
def offboarding_start(*, actor, offboarding: Offboarding) -> Offboarding:
    """Start the checklist; starting a started case changes nothing."""
    started = Offboarding.objects.filter(pk=offboarding.pk, status=CaseStatus.PENDING).update(
        status=CaseStatus.RUNNING, started_at=timezone.now()
    )
    if started:
        _enqueue_step(offboarding.pk, STEP_ORDER[0])
        events.record(actor=actor, action="offboarding.started", obj=offboarding)
    offboarding.refresh_from_db()
    return offboarding


def _enqueue_step(offboarding_id: int, key: str) -> None:
    outbox.enqueue(task_name=RUN_STEP_TASK, args=[offboarding_id, key])


# --- running steps ---------------------------------------------------------------------


def step_run(*, offboarding_id: int, key: str, time_budget: float = 60.0) -> str:
    """Run one step's batches until it finishes or the budget is spent.

    Returns ``done`` (the step finished or waits), ``more`` (a follow-up job was
    enqueued), ``busy`` (another job holds the step) or ``skipped`` (nothing to do:
    the step is finished, waiting, failed, or an earlier step is not done).
    """
    if not _claim(offboarding_id, key):
        return "skipped"
    deadline = time.monotonic() + time_budget
    while True:
        with transaction.atomic():
            _commit_without_waiting_for_disk()
            step = (
                OffboardingStep.objects.select_for_update(skip_locked=True)
                .filter(offboarding_id=offboarding_id, key=key, status=StepStatus.RUNNING)
                .first()
            )
            if step is None:
                return "busy"
            case = Offboarding.objects.select_related("employee__user", "successor__user").get(
                pk=offboarding_id
            )
            outcome = _HANDLERS[key](case, step)
            now = timezone.now()
            step.lease_until = now + datetime.timedelta(seconds=lease_seconds())
            if outcome in (StepStatus.DONE, StepStatus.WAITING):
                step.status = outcome
                step.finished_at = now if outcome == StepStatus.DONE else None
                step.save()
                _advance(case)
                return "done"
            step.save()
            if time.monotonic() > deadline:
                # Hand the rest to a fresh job, in the same transaction as the cursor.
                _enqueue_step(offboarding_id, key)
                return "more"


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL's asynchronous commit for this batch's transaction.

    A database crash may then forget the last batches committed, but it forgets
    their cursor and counts with them (one transaction): the resumed job does them
    again. What is never possible is a cursor ahead of the data.
    """
    database.commit_without_waiting_for_disk()


def _claim(offboarding_id: int, key: str) -> bool:
    """Mark the step running (or keep it so) if every earlier step is done."""
    position = STEP_ORDER.index(key)
    earlier_open = (
        OffboardingStep.objects.filter(offboarding_id=offboarding_id, position__lt=position)
        .exclude(status=StepStatus.DONE)
        .exists()
    )
    if earlier_open:
        return False
    now = timezone.now()
    return bool(
        OffboardingStep.objects.filter(
            offboarding_id=offboarding_id,
            key=key,
            status__in=(StepStatus.PENDING, StepStatus.RUNNING),
        ).update(
            status=StepStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=Coalesce(F("started_at"), now),
            lease_until=now + datetime.timedelta(seconds=lease_seconds()),
        )
    )


def _advance(case: Offboarding) -> None:
    """After a step ends: enqueue the next one, or say that the case waits or is done."""
    steps = list(case.steps.order_by("position"))
    waiting = False
    for step in steps:
        if step.status == StepStatus.DONE:
            continue
        if step.status == StepStatus.WAITING:
            waiting = True
            break
        if step.status == StepStatus.PENDING:
            _enqueue_step(case.pk, step.key)
        break
    else:
        Offboarding.objects.filter(pk=case.pk).update(
            status=CaseStatus.DONE, finished_at=timezone.now()
        )
        return
    Offboarding.objects.filter(pk=case.pk).exclude(status=CaseStatus.DONE).update(
        status=CaseStatus.WAITING if waiting else CaseStatus.RUNNING
    )


@transaction.atomic
def step_fail(*, offboarding_id: int, key: str, error: str) -> None:
    """A job gave up (out of retries): the step and the case say so; a restart resumes."""
    OffboardingStep.objects.filter(
        offboarding_id=offboarding_id, key=key, status=StepStatus.RUNNING
    ).update(status=StepStatus.FAILED, error=error[:300])
    Offboarding.objects.filter(pk=offboarding_id).exclude(status=CaseStatus.DONE).update(
        status=CaseStatus.FAILED
    )


@transaction.atomic
def offboarding_resume(*, actor, offboarding: Offboarding) -> Offboarding:
    """Put failed steps back to running from their cursor and enqueue them again."""
    for step in offboarding.steps.filter(status=StepStatus.FAILED):
        OffboardingStep.objects.filter(pk=step.pk).update(status=StepStatus.RUNNING, error="")
        _enqueue_step(offboarding.pk, step.key)
        Offboarding.objects.filter(pk=offboarding.pk).update(status=CaseStatus.RUNNING)
        events.record(actor=actor, action="offboarding.resumed", obj=offboarding)
    offboarding.refresh_from_db()
    return offboarding


def stalled_steps_requeue() -> int:
    """Re-enqueue running steps whose job stopped renewing the lease (a killed worker)."""
    now = timezone.now()
    requeued = 0
    with transaction.atomic():
        stalled = list(
            OffboardingStep.objects.select_for_update(skip_locked=True).filter(
                status=StepStatus.RUNNING, lease_until__lt=now
            )[:100]
        )
        for step in stalled:
            step.lease_until = now + datetime.timedelta(seconds=lease_seconds())
            step.save(update_fields=["lease_until"])
            _enqueue_step(step.offboarding_id, step.key)
            requeued += 1
    return requeued


# --- the steps -------------------------------------------------------------------------


def _freeze_outreach(case: Offboarding, step: OffboardingStep) -> str:
    employee = case.employee
    if employee.status == EmployeeStatus.ACTIVE:
        people_services.employee_freeze(
            actor="offboarding", employee=employee, departure_date=case.departure_date
        )
    step.done = step.total = 1
    step.counts = {"status": EmployeeStatus.OFFBOARDING}
    return StepStatus.DONE


def _inventory(case: Offboarding, step: OffboardingStep) -> str:
    employee = case.employee
    prospects = Prospect.objects.filter(owner=employee)
    by_kind = {
        (row["provenance"], row["contributed"]): row["n"]
        for row in prospects.values("provenance", "contributed").annotate(n=Count("id"))
    }
    by_provenance = {value: 0 for value in Provenance.values}
    for (provenance, _contributed), n in by_kind.items():
        by_provenance[provenance] += n
    contributed = by_kind.get((Provenance.PRE_HIRE, True), 0)
    own_network = by_kind.get((Provenance.PRE_HIRE, False), 0)
    to_transfer = sum(by_provenance.values()) - own_network
    shares_given = ProspectUserObjectPermission.objects.filter(
        content_object__owner=employee
    ).count()
    shares_received = ProspectUserObjectPermission.objects.filter(user=employee.user).count()
    _list_attestation_items(case)
    step.counts = {
        "prospects": sum(by_provenance.values()),
        "by_provenance": by_provenance,
        "pre_hire_contributed": contributed,
        "pre_hire_not_contributed": own_network,
        "to_transfer": to_transfer,
        "consents_logged": ConsentEvent.objects.filter(captured_by=employee).count(),
        "outreach_logged": OutreachAttempt.objects.filter(employee=employee).count(),
        "social_accounts": employee.social_accounts.count(),
        "shares_given": shares_given,
        "shares_received": shares_received,
        "attestation_items": case.attestation_items.count(),
    }
    step.done = step.total = 1
    totals = {
        StepKey.TRANSFER_DATA: to_transfer,
        StepKey.RETURN_PREHIRE_DATA: own_network,
        StepKey.PURGE_PREHIRE_DATA: own_network,
        StepKey.PERSONAL_ACCOUNT_ATTESTATION: step.counts["attestation_items"],
        StepKey.REVOKE_ACCESS: shares_received + 1,
    }
    for key, total in totals.items():
        OffboardingStep.objects.filter(offboarding=case, key=key, status=StepStatus.PENDING).update(
            total=total
        )
    return StepStatus.DONE


def _list_attestation_items(case: Offboarding) -> None:
    """Company prospects the employee reached through a personal account: the attestation list.

    Found through one of their social accounts, or contacted from one; the
    non-contributed network is not listed (it is theirs to keep).
    """
    employee = case.employee
    kept = _keep(Prospect.objects.filter(owner=employee))
    found = kept.filter(social_account__employee=employee).values_list("id", "social_account_id")
    contacted = (
        OutreachAttempt.objects.filter(
            employee=employee,
            social_account__isnull=False,
            prospect__in=kept,
        )
        .values_list("prospect_id", "social_account_id")
        .distinct()
    )
    items = {}
    for prospect_id, account_id in [*found, *contacted]:
        items.setdefault(prospect_id, account_id)
    AttestationItem.objects.bulk_create(
        (
            AttestationItem(offboarding=case, prospect_id=pid, social_account_id=aid)
            for pid, aid in items.items()
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )


def _next_batch(queryset, step: OffboardingStep) -> list:
    if step.cursor:
        queryset = queryset.filter(id__gt=step.cursor)
    return list(queryset.order_by("id").values_list("id", flat=True)[: batch_size(step.key)])


def _transfer_data(case: Offboarding, step: OffboardingStep) -> str:
    # Any batch of the rows still the employee's that stay at the company, in no order: a
    # moved row no longer matches, so a rerun or a resumed job starts where the data is, and
    # the read stops after one batch instead of sorting everything left (1M-row table).
    ids = list(
        _keep(Prospect.objects.filter(owner=case.employee))
        .order_by()
        .values_list("id", flat=True)[: batch_size(step.key)]
    )
    if not ids:
        # Follow-ups they planned on colleagues' prospects (a manager's on the team's) go to
        # the successor too; those on their own network go with it at the purge.
        followups.follow_ups_transfer(
            from_owner=case.employee,
            to_owner=case.successor,
            prospects=Prospect.objects.exclude(owner=case.employee),
        )
        step.counts = {**step.counts, "successor": case.successor_id}
        return StepStatus.DONE
    # The ids as one array parameter on PostgreSQL (``AnyOf``): thousands of literals in an
    # IN list cost more to build and to parse than the rows take to move, and the list
    # appears twice (shares, owners). Elsewhere a plain IN.
    batch = Prospect.objects.filter(AnyOf(F("id"), ids))
    moved = prospect_services.prospects_transfer(
        actor="offboarding", from_owner=case.employee, to_owner=case.successor, prospects=batch
    )
    step.done += moved
    step.total = max(step.total, step.done)
    step.counts = {**step.counts, "moved": step.counts.get("moved", 0) + moved}
    return StepStatus.RUNNING


def _return_prehire_data(case: Offboarding, step: OffboardingStep) -> str:
    batch = _next_batch(_own_network(Prospect.objects.filter(owner=case.employee)), step)
    if not batch:
        if case.export_available_until is None:
            Offboarding.objects.filter(pk=case.pk).update(
                export_available_until=export_end(case, now=timezone.now())
            )
        return StepStatus.DONE
    prospects = Prospect.objects.filter(id__in=batch).only(
        "id", "network", "collected_at", *EXPORT_FIELDS
    )
    employment_fields = _employment_fields(batch)
    rows = []
    dropped = 0
    for prospect in prospects:
        skipped = employment_fields.get(prospect.pk, set())
        dropped += len(skipped)
        data = {
            field: getattr(prospect, field) or "" for field in EXPORT_FIELDS if field not in skipped
        }
        data["network"] = prospect.network
        data["connected_on"] = prospect.collected_at.date().isoformat()
        rows.append(ExportRow(offboarding=case, prospect_id=prospect.pk, data=json.dumps(data)))
    ExportRow.objects.bulk_create(rows, ignore_conflicts=True)
    step.cursor = str(batch[-1])
    step.done = ExportRow.objects.filter(offboarding=case).count()
    step.total = max(step.total, step.done)
    step.counts = {
        "exported": step.done,
        "employment_values_dropped": step.counts.get("employment_values_dropped", 0) + dropped,
    }
    return StepStatus.RUNNING


def export_end(case: Offboarding, *, now: datetime.datetime) -> datetime.datetime:
    """When the leaver's export closes: ``OFFBOARDING_EXPORT_DAYS`` from now, and never
    before the end of the attestation deadline (a Paris day), as the page promises."""
    end = now + datetime.timedelta(days=export_days())
    if case.attestation_deadline is not None:
        deadline_end = datetime.datetime.combine(
            case.attestation_deadline + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS
        )
        end = max(end, deadline_end)
    return end


def _employment_fields(ids) -> dict:
    """Per prospect, the fields whose current value was added during employment."""
    latest: dict = {}
    for prospect_id, field, provenance in (
        ValueHistory.objects.filter(prospect_id__in=ids)
        .order_by("prospect_id", "field", "recorded_at", "id")
        .values_list("prospect_id", "field", "provenance")
    ):
        latest[(prospect_id, field)] = provenance
    fields: dict = {}
    for (prospect_id, field), provenance in latest.items():
        if provenance != Provenance.PRE_HIRE:
            fields.setdefault(prospect_id, set()).add(field)
    return fields


def _purge_prehire_data(case: Offboarding, step: OffboardingStep) -> str:
    batch = _next_batch(_own_network(Prospect.objects.filter(owner=case.employee)), step)
    if not batch:
        return StepStatus.DONE
    prospects = {
        p["id"]: p
        for p in Prospect.objects.filter(id__in=batch).values(
            "id", "email_index", "phone_index", "profile_url_index"
        )
    }
    evidence = []
    for event in ConsentEvent.objects.filter(prospect_id__in=batch).values(
        "id", "prospect_id", "channel", "action", "evidence", "occurred_at"
    ):
        evidence.append(
            _evidence(case, prospects[event["prospect_id"]], "consent", event["id"], event)
        )
    for attempt in OutreachAttempt.objects.filter(prospect_id__in=batch).values(
        "id", "prospect_id", "channel", "decision", "created_at"
    ):
        evidence.append(
            _evidence(
                case,
                prospects[attempt["prospect_id"]],
                "outreach",
                attempt["id"],
                {
                    "channel": attempt["channel"],
                    "action": attempt["decision"],
                    "evidence": "",
                    "occurred_at": attempt["created_at"],
                },
            )
        )
    PurgedEvidence.objects.bulk_create(evidence, ignore_conflicts=True)
    # The same condition as the selection: a record moved or changed meanwhile stays.
    leaving = _own_network(Prospect.objects.filter(owner=case.employee, id__in=batch))
    # The consent events and outreach themselves stay too, unlinked (RULES 19).
    evidence_keep(
        prospect_ids=leaving.values_list("id", flat=True), reason=RemovalReason.OFFBOARDING
    )
    deleted, by_model = leaving.delete()
    purged = by_model.get(Prospect._meta.label, 0)
    if purged:
        events.record(
            actor="offboarding",
            action="prospects.purged",
            obj=case,
            fields=[f"count:{purged}", f"evidence:{len(evidence)}"],
        )
    step.cursor = str(batch[-1])
    step.done += purged
    step.total = max(step.total, step.done)
    step.counts = {
        "purged": step.counts.get("purged", 0) + purged,
        "evidence_kept": PurgedEvidence.objects.filter(offboarding=case).count(),
    }
    return StepStatus.RUNNING


def _evidence(case, prospect, kind, source_id, row) -> PurgedEvidence:
    return PurgedEvidence(
        offboarding=case,
        prospect_id=prospect["id"],
        kind=kind,
        source_id=source_id,
        channel=row["channel"],
        action=row["action"],
        evidence=row["evidence"],
        occurred_at=row["occurred_at"],
        email_index=prospect["email_index"] or "",
        phone_index=prospect["phone_index"] or "",
        profile_url_index=prospect["profile_url_index"] or "",
    )


def _personal_account_attestation(case: Offboarding, step: OffboardingStep) -> str:
    items = case.attestation_items
    step.total = items.count()
    step.done = items.filter(attested_at__isnull=False).count()
    return StepStatus.DONE if step.done >= step.total else StepStatus.WAITING


def _revoke_access(case: Offboarding, step: OffboardingStep) -> str:
    """Remove the leaver's shares and tokens, and mark them departed, on the departure date.

    Before that day the step waits: starting the case early moves the prospects but
    leaves the employee their access until the date they leave (issue 15). From that
    day ``socialcrm.lib.auth`` and the middleware refuse them anyway; the hourly
    ``departures_due_apply`` then resumes this step.
    """
    if case.departure_date > paris_today():
        step.counts = {**step.counts, "access_ends_on": case.departure_date.isoformat()}
        return StepStatus.WAITING
    user = case.employee.user
    share_ids = list(
        ProspectUserObjectPermission.objects.filter(user=user).values_list("id", flat=True)[
            : batch_size()
        ]
    )
    if share_ids:
        removed, _ = ProspectUserObjectPermission.objects.filter(
            user=user, id__in=share_ids
        ).delete()
        step.done += removed
        step.total = max(step.total, step.done + 1)
        step.counts = {
            **step.counts,
            "shares_removed": step.counts.get("shares_removed", 0) + removed,
        }
        return StepStatus.RUNNING
    if case.employee.status != EmployeeStatus.DEPARTED:
        # The login stays, confined to the attestation page and the export, until the
        # deadline; ``departures_due_apply`` closes it after that day.
        people_services.employee_depart(
            actor="offboarding",
            employee=case.employee,
            keep_login_until=case.attestation_deadline,
        )
    step.done = step.total = max(step.total, step.done + 1)
    step.counts = {
        **step.counts,
        "shares_removed": step.counts.get("shares_removed", 0),
        "user_deactivated": not user.is_active,
        "login_confined_until": None
        if not user.is_active
        else case.attestation_deadline.isoformat(),
        "tokens_revoked": True,
        "sessions_revoked": not user.is_active,
    }
    return StepStatus.DONE


def _final_report(case: Offboarding, step: OffboardingStep) -> str:
    Offboarding.objects.filter(pk=case.pk).update(report=build_report(case))
    step.done = step.total = 1
    return StepStatus.DONE


def build_report(case: Offboarding) -> dict:
    """What moved, was returned, purged and attested, by whom and when: counts and ids only."""
    steps = {step.key: step for step in case.steps.all()}

    def at(step):
        return step.finished_at.isoformat() if step.finished_at else None

    attestations = [
        {
            "id": a.pk,
            "by": a.attested_by.get_username() if a.attested_by else None,
            "signed_document": a.signed_document,
            "prospects": len(a.prospect_ids),
            "at": a.created_at.isoformat(),
        }
        for a in case.attestations.select_related("attested_by")
    ]
    return {
        "employee": case.employee_id,
        "successor": case.successor_id,
        "departure_date": case.departure_date.isoformat(),
        "started_by": case.created_by.get_username() if case.created_by else None,
        "started_at": case.started_at.isoformat() if case.started_at else None,
        "inventory": steps[StepKey.INVENTORY].counts,
        "transferred": {
            "prospects": steps[StepKey.TRANSFER_DATA].counts.get("moved", 0),
            "to": case.successor_id,
            "at": at(steps[StepKey.TRANSFER_DATA]),
        },
        "returned": {
            "contacts": steps[StepKey.RETURN_PREHIRE_DATA].counts.get("exported", 0),
            "employment_values_dropped": steps[StepKey.RETURN_PREHIRE_DATA].counts.get(
                "employment_values_dropped", 0
            ),
            "available_until": case.export_available_until.isoformat()
            if case.export_available_until
            else None,
            "downloads": case.export_downloads.count(),
            "at": at(steps[StepKey.RETURN_PREHIRE_DATA]),
        },
        "purged": {
            "prospects": steps[StepKey.PURGE_PREHIRE_DATA].counts.get("purged", 0),
            "evidence_kept": steps[StepKey.PURGE_PREHIRE_DATA].counts.get("evidence_kept", 0),
            "at": at(steps[StepKey.PURGE_PREHIRE_DATA]),
        },
        "attested": {
            "prospects": case.attestation_items.filter(attested_at__isnull=False).count(),
            "listed": case.attestation_items.count(),
            "attestations": attestations,
            "at": at(steps[StepKey.PERSONAL_ACCOUNT_ATTESTATION]),
        },
        "access_revoked": {
            **steps[StepKey.REVOKE_ACCESS].counts,
            "at": at(steps[StepKey.REVOKE_ACCESS]),
        },
        "generated_at": timezone.now().isoformat(),
    }


_HANDLERS = {
    StepKey.FREEZE_OUTREACH: _freeze_outreach,
    StepKey.INVENTORY: _inventory,
    StepKey.TRANSFER_DATA: _transfer_data,
    StepKey.RETURN_PREHIRE_DATA: _return_prehire_data,
    StepKey.PURGE_PREHIRE_DATA: _purge_prehire_data,
    StepKey.PERSONAL_ACCOUNT_ATTESTATION: _personal_account_attestation,
    StepKey.REVOKE_ACCESS: _revoke_access,
    StepKey.FINAL_REPORT: _final_report,
}


# --- attestation, export, sign-off -----------------------------------------------------


@transaction.atomic
def attestation_record(
    *,
    actor,
    offboarding: Offboarding,
    statement: str,
    prospect_ids: list,
    signed_document: str = "",
) -> Attestation:
    """The employee (or HR, naming the signed document) attests removal from personal accounts.

    ``prospect_ids`` names exactly the prospects confirmed removed (API.md v2): required,
    never taken to mean "all", each on the case's list (else ``ValidationError`` naming
    it). The others stay unattested; several attestations add up, and when nothing is
    left to attest the waiting step is done and the checklist goes on.
    """
    case = Offboarding.objects.select_for_update().get(pk=offboarding.pk)
    if case.status == CaseStatus.DONE:
        raise OffboardingConflict("case_done", _("this offboarding is finished"))
    is_employee = actor.pk == case.employee.user_id
    if not is_employee and not signed_document.strip():
        raise ValidationError({"signed_document": _("name the document the employee signed")})
    if not statement.strip():
        raise ValidationError({"statement": _("this field is required")})
    if not prospect_ids:
        raise ValidationError(
            {"prospect_ids": _("name each person whose data was removed from personal accounts")}
        )
    listed = {str(pid) for pid in case.attestation_items.values_list("prospect_id", flat=True)}
    chosen = {str(pid) for pid in prospect_ids}
    unknown = chosen - listed
    if unknown:
        raise ValidationError(
            {
                "prospect_ids": _("not on this employee's attestation list: %(ids)s")
                % {"ids": ", ".join(sorted(unknown))}
            }
        )
    attestation = Attestation.objects.create(
        offboarding=case,
        statement=statement.strip(),
        prospect_ids=sorted(chosen),
        attested_by=actor,
        signed_document=signed_document.strip(),
    )
    case.attestation_items.filter(prospect_id__in=chosen, attested_at__isnull=True).update(
        attested_at=timezone.now(), attestation=attestation
    )
    events.created(actor=actor, obj=attestation, fields=[f"count:{len(chosen)}"])
    step = OffboardingStep.objects.select_for_update().get(
        offboarding=case, key=StepKey.PERSONAL_ACCOUNT_ATTESTATION
    )
    step.done = case.attestation_items.filter(attested_at__isnull=False).count()
    if step.status == StepStatus.WAITING and step.done >= step.total:
        step.status = StepStatus.DONE
        step.finished_at = timezone.now()
        step.save()
        _advance(case)
    else:
        step.save(update_fields=["done"])
    return attestation


@transaction.atomic
def export_download(*, actor, offboarding: Offboarding) -> list[dict]:
    """The employee's contacts, while the export is available; each download is audited."""
    if offboarding.export_available_until is None or (
        offboarding.export_available_until < timezone.now()
    ):
        raise OffboardingConflict("export_unavailable", _("the export is not available"))
    ExportDownload.objects.create(offboarding=offboarding, downloaded_by=actor)
    events.record(actor=actor, action="offboarding.export_downloaded", obj=offboarding)
    return [json.loads(row.data) for row in offboarding.export_rows.all()]


def exports_expired_delete(*, now=None, limit: int = BATCH_SIZE) -> int:
    """Delete the export rows of cases whose export is no longer available (bounded)."""
    now = now or timezone.now()
    ids = list(
        ExportRow.objects.filter(offboarding__export_available_until__lt=now).values_list(
            "id", flat=True
        )[:limit]
    )
    deleted, _ = ExportRow.objects.filter(id__in=ids).delete()
    return deleted


@transaction.atomic
def offboarding_sign_off(*, actor, offboarding: Offboarding) -> Offboarding:
    case = Offboarding.objects.select_for_update().get(pk=offboarding.pk)
    if case.status != CaseStatus.DONE:
        raise OffboardingConflict("not_done", _("the checklist is not finished yet"))
    if case.signed_off_at is None:
        case.signed_off_by = actor
        case.signed_off_at = timezone.now()
        case.report = {
            **case.report,
            "signed_off_by": actor.get_username(),
            "signed_off_at": case.signed_off_at.isoformat(),
        }
        case.save(update_fields=["signed_off_by", "signed_off_at", "report"])
        events.record(actor=actor, action="offboarding.signed_off", obj=case)
        emit_webhook(
            "offboarding.completed", {"offboarding_id": case.pk, "employee_id": case.employee_id}
        )
    return case


def departures_due_apply(*, today=None) -> int:
    """Hourly: leavers lose their API tokens, and their login once the attestation is over.

    From the departure date (a Paris date), with or without a case, tokens are
    deleted (``socialcrm.lib.auth`` refuses them already) and a case's waiting
    ``revoke_access`` step runs. Departed employees whose attestation deadline has
    passed, or who have no case, get their login closed; until then the middleware
    confines it to their attestation page. Returns the number of tokens deleted.
    """
    today = today or paris_today()
    gone = Employee.objects.filter(Q(status=EmployeeStatus.DEPARTED) | Q(departure_date__lte=today))
    deleted, _ = AuthToken.objects.filter(user__employee__in=gone).delete()
    _departure_steps_resume(today=today)
    still_attesting = Offboarding.objects.filter(
        employee=OuterRef("pk"), attestation_deadline__gte=today
    )
    to_close = (
        Employee.objects.filter(status=EmployeeStatus.DEPARTED, user__is_active=True)
        .exclude(Exists(still_attesting))
        .select_related("user")
    )
    for employee in to_close[:BATCH_SIZE]:
        people_services.login_close(actor="offboarding", user=employee.user)
    return deleted


def _departure_steps_resume(*, today: datetime.date) -> None:
    """Run the ``revoke_access`` steps that waited for a departure date now come."""
    due = OffboardingStep.objects.filter(
        key=StepKey.REVOKE_ACCESS,
        status=StepStatus.WAITING,
        offboarding__departure_date__lte=today,
    ).values_list("pk", "offboarding_id")
    for step_pk, offboarding_id in due[:BATCH_SIZE]:
        with transaction.atomic():
            # Conditional: two sweeps at once enqueue the step once.
            if OffboardingStep.objects.filter(pk=step_pk, status=StepStatus.WAITING).update(
                status=StepStatus.PENDING
            ):
                _enqueue_step(offboarding_id, StepKey.REVOKE_ACCESS)
