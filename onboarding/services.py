"""Writes for onboarding: hiring (the employee and their checklist), the charter
acknowledgements and trainings that tick it, and the rep's pre-hire contribution decisions.

Both are atomic and audited in the same transaction.
"""

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from charters import services as charter_services
from onboarding import selectors
from onboarding.models import ContributionDecision, Onboarding
from people import services as people_services
from people.models import Employee, EmployeeStatus
from prospects.models import Prospect, Provenance


class ContributionLocked(Exception):
    """The employee's departure has started: their contribution decisions are final."""


@transaction.atomic
def onboarding_open(*, actor, employee: Employee) -> Onboarding:
    """Open the employee's onboarding checklist (once; opening again returns the same one)."""
    onboarding, created = Onboarding.objects.get_or_create(
        employee=employee,
        defaults={
            "opened_at": timezone.now(),
            "opened_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if created:
        events.created(actor=actor, obj=onboarding, fields=["employee"])
    return onboarding


@transaction.atomic
def employee_hire(*, actor, **fields) -> tuple[Employee, bool]:
    """HR's "add employee": the employee through ``people``, then their checklist (charters,
    training, accounts, agreement). ``fields`` are ``people.services.employee_upsert``'s;
    an existing username is updated and its checklist left as it is."""
    employee, created = people_services.employee_upsert(actor=actor, **fields)
    if created:
        onboarding_open(actor=actor, employee=employee)
    return employee, created


@transaction.atomic
def charter_acknowledge(*, employee: Employee, version, via: str):
    """``charters.services.charter_acknowledge``; the checklist is stamped complete when
    this was its last item."""
    acknowledgement, created = charter_services.charter_acknowledge(
        employee=employee, version=version, via=via
    )
    onboarding_refresh(employee=employee)
    return acknowledgement, created


@transaction.atomic
def training_record(*, actor, employee: Employee, completed_at, valid_until=None):
    """``charters.services.training_record``; the checklist is stamped complete when this
    was its last item."""
    training = charter_services.training_record(
        actor=actor, employee=employee, completed_at=completed_at, valid_until=valid_until
    )
    onboarding_refresh(employee=employee)
    return training


@transaction.atomic
def onboarding_refresh(*, employee: Employee) -> Onboarding | None:
    """Stamp the checklist complete the first time every item is done; a no-op otherwise."""
    onboarding = Onboarding.objects.select_for_update().filter(employee=employee).first()
    if onboarding is None or onboarding.completed_at is not None:
        return onboarding
    if selectors.checklist_of(employee).complete:
        onboarding.completed_at = timezone.now()
        onboarding.save(update_fields=["completed_at"])
        events.record(actor="system", action="onboarding.completed", obj=onboarding)
    return onboarding


@transaction.atomic
def contribution_decide(
    *,
    employee: Employee,
    contribute: bool,
    prospect_ids: Iterable | None = None,
    all_pre_hire: bool = False,
    via: str,
) -> dict:
    """The rep contributes pre-hire contacts to the company, or takes them back (PRODUCT §2).

    Only the owner decides, only on their own pre-hire contacts, and only
    before their departure starts: offboarding hands contributed contacts to
    the successor and returns the others, so the decisions must hold still.
    ``all_pre_hire`` decides on every pre-hire contact at once (with
    ``contribute=False``: "I keep them all", itself a decision).
    """
    # Locks the employee row: offboarding cannot start between the check and the write.
    locked = Employee.objects.select_for_update().get(pk=employee.pk)
    # Final from the start of the offboarding or the departure date, whichever comes first.
    if locked.status != EmployeeStatus.ACTIVE or locked.has_departed():
        raise ContributionLocked
    mine = Prospect.objects.filter(owner=locked)
    if all_pre_hire:
        chosen = mine.filter(provenance=Provenance.PRE_HIRE)
    else:
        ids = _unique_ids(prospect_ids or [])
        if not ids:
            raise ValidationError(
                {"prospect_ids": _("choose at least one contact, or decide on all of them")}
            )
        valid = [i for i in ids if isinstance(i, uuid.UUID)]
        found = dict(mine.filter(pk__in=valid).values_list("pk", "provenance"))
        unknown = [str(i) for i in ids if i not in found]
        if unknown:
            # Someone else's prospect and a missing one read the same: nothing leaks.
            raise ValidationError(
                {
                    "prospect_ids": _("not among your prospects: %(ids)s")
                    % {"ids": ", ".join(unknown)}
                }
            )
        not_pre_hire = [str(i) for i in ids if found[i] != Provenance.PRE_HIRE]
        if not_pre_hire:
            raise ValidationError(
                {
                    "prospect_ids": _(
                        "only contacts from before your hire can be contributed; these were "
                        "gathered during employment or are company data: %(ids)s"
                    )
                    % {"ids": ", ".join(not_pre_hire)}
                }
            )
        chosen = mine.filter(pk__in=valid)
    now = timezone.now()
    changing = list(
        chosen.exclude(contributed=contribute).select_for_update().values_list("pk", flat=True)
    )
    total = chosen.count()
    Prospect.objects.filter(pk__in=changing).update(
        contributed=contribute, contributed_at=now if contribute else None, updated_at=now
    )
    ContributionDecision.objects.bulk_create(
        ContributionDecision(
            employee=locked, prospect_ref=pk, contribute=contribute, decided_at=now, via=via
        )
        for pk in changing
    )
    onboarding = Onboarding.objects.filter(employee=locked).first()
    if onboarding is not None:
        onboarding.agreement_decided_at = now
        onboarding.save(update_fields=["agreement_decided_at"])
    events.record(
        actor=locked.user,
        action="prospect.contributed" if contribute else "prospect.contribution_revoked",
        obj=locked,
        fields=["contributed", f"count:{len(changing)}"],
    )
    onboarding_refresh(employee=locked)
    return {
        "contribute": contribute,
        "changed": len(changing),
        "unchanged": total - len(changing),
        "decided_at": now,
    }


def _unique_ids(values: Iterable) -> list:
    """The ids in order, once each; what is not a UUID stays a string and is reported as unknown."""
    seen: dict = {}
    for value in values:
        try:
            seen.setdefault(uuid.UUID(str(value)), None)
        except ValueError:
            seen.setdefault(str(value), None)
    return list(seen)
