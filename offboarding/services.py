"""Writes of offboarding: open a case, start it, run its steps, attest, sign off.

The steps themselves live in ``offboarding.steps`` (one module each, in a table that
names them in order); this module runs them.

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
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from audit import events
from core import database
from core.dates import in_range
from offboarding.models import (
    STEP_ORDER,
    Attestation,
    CaseStatus,
    ExportDownload,
    ExportRow,
    Offboarding,
    OffboardingStep,
    StepKey,
    StepStatus,
)
from offboarding.steps import STEPS
from offboarding.steps.batches import BATCH_SIZE
from outbox import services as outbox
from people import services as people_services
from people.models import Employee, EmployeeStatus, Role, paris_today
from webhooks.services import emit as emit_webhook

RUN_STEP_TASK = "offboarding.tasks.run_step"
_SUCCESSOR_ROLES = (Role.REP, Role.MANAGER)


def lease_seconds() -> int:
    """A running step not heard of for this long is re-enqueued by the sweep."""
    return settings.OFFBOARDING_STEP_LEASE_SECONDS


def attestation_days() -> int:
    return settings.OFFBOARDING_ATTESTATION_DAYS


class OffboardingConflict(Exception):
    """The request does not fit the case's state (409), with a stable code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


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
            outcome = STEPS[key](case, step)
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
    deleted (``people.auth`` refuses them already) and a case's waiting
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
