"""From the departure date, a leaver's login opens their attestation page alone.

An employee has left on their departure date (a Paris date), whether or not
anyone started the offboarding (RULES 12), or once the checklist marks them
departed. If a case of theirs exists, they keep their attestation page and
their own-network export until its attestation deadline, after attesting too
(API.md v2); any other page logs nothing and sends them back to it (API calls
get 403). Without a case, or after the deadline, the session ends and a
sign-in is refused. API tokens stop at the departure date
(``people.auth``) and are deleted by ``services.departures_due_apply``,
so this check only has to cover the browser session.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from offboarding import selectors
from people.models import paris_today
from people.selectors import employee_of, has_left

# Pages the departed employee may open, all about their own case (checked by pk).
_CASE_PAGES = {
    "offboarding-attestation",
    "offboarding-export",
    "api-offboarding-attestation",
    "api-offboarding-export",
}
_ALWAYS = {"logout", "set_language"}


class DepartedEmployeeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name, pk = _route(request)
        if name == "login":
            response = self.get_response(request)
            # A sign-in that just succeeded is checked at once: no session outlives it.
            employee = _left(request) if request.method == "POST" else None
            if employee is not None:
                return self._restrict(request, employee, name, pk) or response
            return response
        employee = _left(request)
        if employee is not None:
            response = self._restrict(request, employee, name, pk)
            if response is not None:
                return response
        return self.get_response(request)

    def _restrict(self, request, employee, name, pk):
        if name in _ALWAYS:
            return None
        case = selectors.attestation_case_of(employee, today=paris_today())
        if case is None:
            logout(request)
            messages.info(request, _("Your access to SocialCRM has ended."))
            return redirect("login")
        if name in _CASE_PAGES and str(pk) == str(case.pk):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": "only the attestation is open to you", "code": "departed"}, status=403
            )
        return redirect("offboarding-attestation", case.pk)


def _route(request) -> tuple[str | None, object]:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, None
    return match.url_name, match.kwargs.get("pk")


def _left(request):
    """The signed-in employee if they have left, else ``None``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    employee = employee_of(user)
    if employee is None or not has_left(employee):
        return None
    return employee
