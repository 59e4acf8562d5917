"""Reads for onboarding: each employee's checklist, derived from the real state.

Items: ``charters`` (every current charter acknowledged), ``training`` (a valid
training recorded by HR), ``social_accounts`` (at least one account
registered) and ``contribution_agreement`` (the rep decided which pre-hire
contacts they contribute). Only counts and statuses: nothing here reads a
prospect's personal data, so HR may see it.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from charters.models import Acknowledgement, Training
from charters.selectors import current_versions
from onboarding.models import Onboarding
from people.models import Employee, EmployeeStatus, Role, SocialAccount
from people.selectors import employee_of, role_of
from prospects.models import Prospect, Provenance

# Who prospects, hence needs training, social accounts and a contribution agreement.
SALES_ROLES = (Role.REP, Role.MANAGER)
DONE = "done"
PENDING = "pending"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Item:
    key: str
    status: str
    done: int
    total: int
    valid_until: datetime.date | None = None
    decided_at: datetime.datetime | None = None

    @property
    def is_done(self) -> bool:
        return self.status != PENDING


@dataclass(frozen=True)
class Checklist:
    employee: Employee
    onboarding: Onboarding | None
    items: list[Item] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        stamped = self.onboarding is not None and self.onboarding.completed_at is not None
        return stamped or all(item.is_done for item in self.items)

    @property
    def by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}

    @property
    def items_done(self) -> int:
        return sum(1 for item in self.items if item.is_done)

    @property
    def opened_at(self):
        return self.onboarding.opened_at if self.onboarding else None

    @property
    def completed_at(self):
        return self.onboarding.completed_at if self.onboarding else None

    @property
    def agreement_locked(self) -> bool:
        return self.employee.status != EmployeeStatus.ACTIVE or self.employee.has_departed()


def checklists_of_many(employees, *, today: datetime.date | None = None) -> dict[int, Checklist]:
    """Per employee id, the onboarding checklist, in five queries whatever the number of people."""
    today = today or timezone.localdate()
    employees = list(employees)
    ids = [e.pk for e in employees]
    onboardings = {o.employee_id: o for o in Onboarding.objects.filter(employee_id__in=ids)}
    versions = list(current_versions(today=today).values_list("pk", flat=True))
    acknowledged = dict(
        Acknowledgement.objects.filter(employee_id__in=ids, version_id__in=versions)
        .values("employee_id")
        .annotate(n=Count("id"))
        .values_list("employee_id", "n")
    )
    sales_ids = [e.pk for e in employees if e.role in SALES_ROLES]
    validity, accounts, prehire = {}, {}, {}
    if sales_ids:
        validity = dict(
            Training.objects.filter(employee_id__in=sales_ids)
            .values("employee_id")
            .annotate(v=Max("valid_until"))
            .values_list("employee_id", "v")
        )
        accounts = dict(
            SocialAccount.objects.filter(employee_id__in=sales_ids)
            .values("employee_id")
            .annotate(n=Count("id"))
            .values_list("employee_id", "n")
        )
        prehire = {
            row["owner_id"]: row
            for row in Prospect.objects.filter(
                owner_id__in=sales_ids, provenance=Provenance.PRE_HIRE
            )
            .values("owner_id")
            .annotate(total=Count("id"), contributed=Count("id", filter=Q(contributed=True)))
            .order_by()
        }
    result = {}
    for employee in employees:
        onboarding = onboardings.get(employee.pk)
        done_charters = acknowledged.get(employee.pk, 0)
        items = [
            Item(
                key="charters",
                status=DONE if done_charters >= len(versions) else PENDING,
                done=done_charters,
                total=len(versions),
            )
        ]
        if employee.role in SALES_ROLES:
            valid_until = validity.get(employee.pk)
            trained = valid_until is not None and valid_until >= today
            n_accounts = accounts.get(employee.pk, 0)
            counts = prehire.get(employee.pk, {"total": 0, "contributed": 0})
            decided_at = onboarding.agreement_decided_at if onboarding else None
            if decided_at is not None:
                agreement = DONE
            elif counts["total"] == 0:
                # Nothing to contribute: without a decision, pre-hire contacts stay theirs anyway.
                agreement = NOT_APPLICABLE
            else:
                agreement = PENDING
            items += [
                Item(
                    key="training",
                    status=DONE if trained else PENDING,
                    done=int(trained),
                    total=1,
                    valid_until=valid_until,
                ),
                Item(
                    key="social_accounts",
                    status=DONE if n_accounts else PENDING,
                    done=n_accounts,
                    total=max(n_accounts, 1),
                ),
                Item(
                    key="contribution_agreement",
                    status=agreement,
                    done=counts["contributed"],
                    total=counts["total"],
                    decided_at=decided_at,
                ),
            ]
        result[employee.pk] = Checklist(employee=employee, onboarding=onboarding, items=items)
    return result


def checklist_of(employee, *, today: datetime.date | None = None) -> Checklist:
    return checklists_of_many([employee], today=today)[employee.pk]


def onboarding_employee_get(*, user, pk) -> Employee:
    """The employee whose checklist ``user`` may read: themselves, or anyone for HR and admins."""
    employees = Employee.objects.select_related("user")
    if role_of(user) not in (Role.HR, Role.ADMIN):
        me = employee_of(user)
        employees = employees.filter(pk=me.pk if me else None)
    try:
        return employees.get(pk=pk)
    except (Employee.DoesNotExist, ValueError):
        raise Http404 from None


def onboardings_for_hr() -> QuerySet[Employee]:
    """Employees with an onboarding, open checklists first, then the most recently opened."""
    return (
        Employee.objects.filter(onboarding__isnull=False)
        .select_related("user", "onboarding")
        .order_by(
            F("onboarding__completed_at").asc(nulls_first=True),
            "-onboarding__opened_at",
            "user__username",
        )
    )


def pre_hire_prospects_of(employee) -> QuerySet[Prospect]:
    """The rep's own pre-hire contacts, the ones the contribution agreement is about."""
    return Prospect.objects.filter(owner=employee, provenance=Provenance.PRE_HIRE).order_by(
        "-collected_at", "id"
    )


# How long the home page keeps congratulating a newcomer on a completed checklist.
HOME_AFTER_COMPLETION = datetime.timedelta(days=7)


def home_checklist(employee) -> Checklist | None:
    """The checklist for the employee's home page: while open, and for a few days once complete."""
    if employee is None or not Onboarding.objects.filter(employee=employee).exists():
        return None
    checklist = checklist_of(employee)
    completed_at = checklist.completed_at
    if (
        checklist.complete
        and completed_at
        and timezone.now() - completed_at > HOME_AFTER_COMPLETION
    ):
        return None
    return checklist
