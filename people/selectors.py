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


# Their holders read every prospect (dpo) or run the system (admin): an administrator
# alone gives them (API.md v2), so HR cannot make an account that sees more than HR does.
PRIVILEGED_ROLES = frozenset({Role.DPO, Role.ADMIN})


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


def roles_grantable_by(actor) -> list[str]:
    """The roles ``actor`` may give or take away: HR the everyday ones, an administrator all.

    A string actor is the operator's command line (``add_employee``), which, like
    ``createsuperuser``, needs access to the server: it gives any role.
    """
    if isinstance(actor, str) or is_administrator(actor):
        return list(Role.values)
    if has_role(actor, Role.HR):
        return [role for role in Role.values if role not in PRIVILEGED_ROLES]
    return []


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


def social_accounts_removed_of(user) -> QuerySet[SocialAccount]:
    """The caller's removed accounts, most recently removed first (the "Removed" list)."""
    me = employee_of(user)
    if me is None:
        return SocialAccount.all_objects.none()
    return SocialAccount.all_objects.filter(employee=me, removed_at__isnull=False).order_by(
        "-removed_at", "-pk"
    )


def social_account_get(*, user, pk) -> SocialAccount:
    """One of the caller's own accounts in use, else 404."""
    me = employee_of(user)
    if me is None:
        raise Http404
    try:
        return SocialAccount.objects.get(employee=me, pk=pk)
    except (SocialAccount.DoesNotExist, ValueError):
        raise Http404 from None
