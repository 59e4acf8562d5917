"""The home page each role lands on (/).

Everyone: their profile and onboarding checklist. Reps and managers: "Today" (follow-ups,
notices, replies waiting; a manager's covers the team), their accounts, the manager's team.
HR: the employees. DPO and admins: the oversight links. An employee on their way out: their
attestation page and their export, while they may open them.

It lives in the dashboard, the top layer, because it reads from every app below it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from dashboard.today import NOTICE_DUE, NOTICE_OVERDUE, today_for
from offboarding.selectors import attestation_case_of
from onboarding.selectors import home_checklist
from people import selectors
from people.models import EmployeeStatus, Role, paris_today


@login_required
def home(request):
    employee = selectors.employee_of(request.user)
    role = selectors.role_of(request.user)
    context = {"employee": employee, "role": role}
    context["onboarding_checklist"] = home_checklist(employee)
    if employee is not None and role in (Role.REP, Role.MANAGER):
        context["accounts"] = selectors.social_accounts_of(request.user)
        context["today"] = today_for(request.user)
        context["notice_filters"] = {"overdue": NOTICE_OVERDUE, "due": NOTICE_DUE}
    if employee is not None and role == Role.MANAGER:
        # The manager's own row is on the card above; the table lists the reports.
        context["team"] = selectors.employees_visible_to(request.user).exclude(pk=employee.pk)
    if role == Role.HR:
        context["employees"] = selectors.employees_visible_to(request.user)
    if employee is not None and employee.status == EmployeeStatus.OFFBOARDING:
        context["leaving"] = _leaving(employee)
    return render(request, "dashboard/home.html", context)


def _leaving(employee) -> dict | None:
    """The leaver's own case pages they may open: the attestation page (theirs until its
    deadline), and the export of their own network while it is available."""
    case = attestation_case_of(employee, today=paris_today())
    if case is None:
        return None
    until = case.export_available_until
    return {
        "case": case,
        "export": until is not None and until >= timezone.now(),
    }
