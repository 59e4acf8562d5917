"""Browser pages: the employee's own compliance, and publishing charter versions.

Acknowledging a charter and HR's training form tick the onboarding checklist: they live in
``onboarding.views``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from charters import selectors, services
from charters.forms import CharterVersionForm
from charters.models import CharterKind
from core.forms import add_service_errors
from people.models import Role
from people.selectors import employee_of, has_role


def _employee_or_403(request):
    employee = employee_of(request.user)
    if employee is None:
        raise PermissionDenied
    return employee


@login_required
def my_compliance(request):
    employee = _employee_or_403(request)
    language = get_language()
    acknowledged = selectors.acknowledged_version_ids(employee=employee)
    charters = [
        {
            "version": version,
            "title": version.title_in(language),
            "text": version.text_in(language),
            "acknowledged": version.pk in acknowledged,
        }
        for version in selectors.current_versions()
    ]
    return render(
        request,
        "charters/my_compliance.html",
        {"charters": charters, "compliance": selectors.compliance_of(employee)},
    )


@login_required
def charter_publish(request):
    """HR and the DPO publish charter versions; everyone's acknowledgement of a required one lapses."""
    if not has_role(request.user, Role.HR, Role.DPO):
        raise PermissionDenied
    form = CharterVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        try:
            version = services.charter_version_publish(actor=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(number)d published.") % {"number": version.version},
            )
            return redirect("charter-publish")
    charters = [
        {"kind": kind, "label": label, "versions": selectors.versions_of(kind=kind)}
        for kind, label in CharterKind.choices
    ]
    return render(request, "charters/publish.html", {"form": form, "charters": charters})
