"""Browser pages of offboarding: HR starts and follows the checklist, the departing
employee attests, the DPO signs the report off. HR's pages show counts and ids only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from offboarding import selectors, services
from offboarding.api import export_response
from offboarding.forms import EmployeeAttestationForm, HrAttestationForm, OffboardingStartForm
from offboarding.models import CaseStatus, Offboarding
from people.models import Role
from people.selectors import employee_get, has_role

PAGE_SIZE = 25


def _require(request, *roles):
    if not has_role(request.user, *roles):
        raise PermissionDenied


# How often the checklist asks for progress; waiting for the attestation may take days.
_POLL_EVERY = {CaseStatus.PENDING: "1s", CaseStatus.RUNNING: "1s", CaseStatus.WAITING: "10s"}


def _case_context(case: Offboarding) -> dict:
    steps = selectors.steps_of(case)
    return {
        "case": case,
        "steps": steps,
        "is_finished": case.status in (CaseStatus.DONE, CaseStatus.FAILED),
        "polling": case.status in (CaseStatus.PENDING, CaseStatus.RUNNING),
        "poll_every": _POLL_EVERY.get(case.status),
    }


@login_required
def offboarding_list(request):
    _require(request, Role.HR, Role.DPO, Role.ADMIN)
    cases = selectors.offboardings_visible_to(request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "offboarding/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def offboarding_new(request, employee_pk):
    _require(request, Role.HR)
    employee = employee_get(user=request.user, pk=employee_pk)
    open_case = selectors.open_case_of(employee)
    if open_case is not None:
        messages.info(request, _("This employee already has an open offboarding."))
        return redirect("offboarding", open_case.pk)
    form = OffboardingStartForm(request.POST or None, successors=selectors.successors_for(employee))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.offboarding_create(
                actor=request.user,
                employee=employee,
                departure_date=form.cleaned_data["departure_date"],
                successor=form.cleaned_data["successor"],
            )
            services.offboarding_start(actor=request.user, offboarding=case)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.OffboardingConflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Offboarding started."))
            return redirect("offboarding", case.pk)
    return render(
        request,
        "offboarding/new.html",
        {"employee": employee, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def offboarding_detail(request, pk):
    _require(request, Role.HR, Role.DPO, Role.ADMIN)
    case = selectors.offboarding_get(user=request.user, pk=pk)
    return render(request, "offboarding/detail.html", _case_context(case))


@login_required
def offboarding_progress(request, pk):
    """The checklist block alone, polled by the case page while steps run."""
    _require(request, Role.HR, Role.DPO, Role.ADMIN)
    case = selectors.offboarding_get(user=request.user, pk=pk)
    return render(request, "offboarding/_checklist.html", _case_context(case))


@login_required
@require_POST
def offboarding_resume(request, pk):
    _require(request, Role.HR)
    case = selectors.offboarding_get(user=request.user, pk=pk)
    services.offboarding_resume(actor=request.user, offboarding=case)
    return redirect("offboarding", case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def offboarding_attestation(request, pk):
    """The departing employee sees the names to remove; HR sees ids and records a paper copy."""
    case = selectors.offboarding_get(user=request.user, pk=pk)
    is_employee = case.employee.user_id == request.user.pk
    if not (is_employee or has_role(request.user, Role.HR)):
        raise PermissionDenied
    items = selectors.attestation_list(offboarding=case, with_names=is_employee)
    form_class = EmployeeAttestationForm if is_employee else HrAttestationForm
    form = form_class(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.attestation_record(
                actor=request.user,
                offboarding=case,
                statement=form.cleaned_data["statement"],
                prospect_ids=form.cleaned_data["prospect_ids"],
                signed_document=form.cleaned_data.get("signed_document", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.OffboardingConflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Attestation recorded. Thank you."))
            return redirect("offboarding-attestation", case.pk)
    ticked = set(form["prospect_ids"].value() or ()) if form.is_bound else set()
    for item in items:
        item["ticked"] = str(item["prospect"]) in ticked
    return render(
        request,
        "offboarding/attestation.html",
        {
            "case": case,
            "form": form,
            "items": items,
            "is_employee": is_employee,
            "remaining": sum(1 for item in items if item["attested_at"] is None),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def offboarding_report(request, pk):
    _require(request, Role.HR, Role.DPO, Role.ADMIN)
    case = selectors.offboarding_get(user=request.user, pk=pk)
    return render(request, "offboarding/report.html", {"case": case, "report": case.report})


@login_required
@require_POST
def offboarding_sign_off(request, pk):
    _require(request, Role.DPO)
    case = selectors.offboarding_get(user=request.user, pk=pk)
    try:
        services.offboarding_sign_off(actor=request.user, offboarding=case)
    except services.OffboardingConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Report signed off."))
    return redirect("offboarding-report", case.pk)


@login_required
def offboarding_export(request, pk):
    """The leaver's own network, for them alone (API.md v2: HR → 403)."""
    case = selectors.offboarding_get(user=request.user, pk=pk)
    if case.employee.user_id != request.user.pk:
        raise PermissionDenied
    try:
        rows = services.export_download(actor=request.user, offboarding=case)
    except services.OffboardingConflict as exc:
        messages.error(request, exc.message)
        return redirect("offboarding-attestation", case.pk)
    return export_response(rows, case)
