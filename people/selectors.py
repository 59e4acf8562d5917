"""Who may see which employees, and the role checks every view starts with."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from people.models import Employee, EmployeeStatus, Role, SocialAccount


def employee_of(user) -> Employee | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def has_left(employee: Employee, today=None) -> bool:
    """Departed, or past the departure date of an offboarding still under way."""
    if employee.status == EmployeeStatus.ACTIVE:
        return False
    today = today or timezone.localdate()
    return employee.status == EmployeeStatus.DEPARTED or (
        employee.departure_date is not None and employee.departure_date < today
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
