"""Who may see which import jobs, and who may start one."""

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from imports.models import ImportJob
from people.models import Employee, Role
from people.selectors import employee_of, role_of

# HR never handles prospects' data; administrators run the system, they do not prospect.
IMPORTER_ROLES = (Role.REP, Role.MANAGER)


def importer_of(user) -> Employee:
    """The active employee importing for themselves, or ``PermissionDenied``."""
    employee = employee_of(user)
    if employee is None or employee.role not in IMPORTER_ROLES:
        raise PermissionDenied("only sales reps and managers import their connections")
    if not employee.is_active_employee:
        raise PermissionDenied("only active employees import connections")
    return employee


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Owner: their own jobs; DPO: every job (counts and row numbers, never values)."""
    jobs = ImportJob.objects.all()
    if role_of(user) == Role.DPO:
        return jobs
    me = employee_of(user)
    if me is None:
        return jobs.none()
    return jobs.filter(owner=me)


def import_job_get(*, user, pk) -> ImportJob:
    try:
        return import_jobs_visible_to(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError):
        raise Http404 from None
