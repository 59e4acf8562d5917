"""After the departure date, a departing employee's login opens the attestation page alone.

They keep that access until they have attested or the attestation deadline
has passed; any other page logs nothing and sends them back to it (API calls
get 403). Once the checklist revokes their access, the login itself fails.
API tokens stop at the departure date (``socialcrm.lib.auth``) and are deleted by
``services.departures_due_apply``, so this check only has to cover the browser session.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from offboarding import selectors
from people.models import EmployeeStatus
from people.selectors import employee_of, has_left

# Pages the departed employee may open, all about their own case (checked by pk).
_CASE_PAGES = {"offboarding-attestation", "offboarding-export", "api-offboarding-attestation"}
_ALWAYS = {"logout", "login", "set_language"}


class DepartedEmployeeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            employee = employee_of(user)
            if employee is not None and employee.status != EmployeeStatus.ACTIVE:
                response = self._restrict(request, employee)
                if response is not None:
                    return response
        return self.get_response(request)

    def _restrict(self, request, employee):
        today = timezone.localdate()
        if not has_left(employee, today):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        name = match.url_name if match else None
        if name in _ALWAYS:
            return None
        case = selectors.open_case_of(employee)
        may_attest = (
            case is not None
            and (case.attestation_deadline is None or today <= case.attestation_deadline)
            and case.attestation_items.filter(attested_at__isnull=True).exists()
        )
        if not may_attest:
            logout(request)
            messages.info(request, _("Your access to SocialCRM has ended."))
            return redirect("login")
        if name in _CASE_PAGES and str(match.kwargs.get("pk")) == str(case.pk):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": "only the attestation is open to you", "code": "departed"}, status=403
            )
        return redirect("offboarding-attestation", case.pk)
