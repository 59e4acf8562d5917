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


# What the history lists of each job: its outcome, never the listed rejected rows.
HISTORY_FIELDS = (
    "id",
    "kind",
    "status",
    "total",
    "processed",
    "created",
    "duplicates",
    "opposed",
    "rejected_count",
    "error",
    "created_at",
    "finished_at",
)


def import_history_of(owner: Employee) -> QuerySet[ImportJob]:
    """The employee's own imports, newest first (index import_job_owner_recent)."""
    return (
        ImportJob.objects.filter(owner=owner).only(*HISTORY_FIELDS).order_by("-created_at", "-id")
    )


def import_job_of_owner(*, user, pk) -> ImportJob:
    """One of the caller's own jobs, else 404: the DPO sees every job, but only its owner
    downloads what its file held."""
    me = employee_of(user)
    if me is None:
        raise Http404
    try:
        return ImportJob.objects.get(owner=me, pk=pk)
    except (ImportJob.DoesNotExist, ValueError):
        raise Http404 from None
