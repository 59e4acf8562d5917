"""Who may see which employees, and the role checks every view starts with."""

from django.db.models import Q, QuerySet
from django.http import Http404

from people.models import Employee, EmployeeStatus, Role, SocialAccount, paris_today


def employee_of(user) -> Employee | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def has_left(employee: Employee, today=None) -> bool:
    """Departed, or the departure date has come, whether or not anyone started the case.

    From that day the API refuses their tokens and the login opens their attestation
    page alone (RULES 12, API.md v2).
    """
    return employee.has_departed(today)


def active_employees(today=None) -> QuerySet[Employee]:
    """Employees who may act for the company today: the queryset form of ``is_active_employee``."""
    return Employee.objects.filter(status=EmployeeStatus.ACTIVE, user__is_active=True).exclude(
        departure_date__lte=today or paris_today()
    )


def role_of(user) -> str | None:
    employee = employee_of(user)
    if employee is None:
        return Role.ADMIN if getattr(user, "is_superuser", False) else None
    return employee.role


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def employees_visible_to(user) -> QuerySet[Employee]:
    employees = Employee.objects.select_related("user", "manager__user")
    role = role_of(user)
    if role in (Role.HR, Role.ADMIN, Role.DPO):
        return employees
    me = employee_of(user)
    if me is None:
        return employees.none()
    if role == Role.MANAGER:
        return employees.filter(Q(pk=me.pk) | Q(manager=me))
    return employees.filter(pk=me.pk)


def employee_get(*, user, pk) -> Employee:
    try:
        return employees_visible_to(user).get(pk=pk)
    except (Employee.DoesNotExist, ValueError):
        raise Http404 from None


def social_accounts_of(user) -> QuerySet[SocialAccount]:
    me = employee_of(user)
    if me is None:
        return SocialAccount.objects.none()
    return SocialAccount.objects.filter(employee=me)
