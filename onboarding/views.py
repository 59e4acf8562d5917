"""Browser pages: the employee's onboarding checklist, "My pre-hire contacts", and HR's overview
and "add employee"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from charters import selectors as charter_selectors
from charters.forms import TrainingForm
from charters.models import CharterVersion
from core.forms import add_service_errors
from onboarding import selectors, services
from onboarding.forms import ContributionForm
from people.forms import EmployeeForm
from people.models import Role
from people.selectors import employee_of, employees_visible_to, has_role

PAGE_SIZE = 50


def _employee_or_403(request):
    employee = employee_of(request.user)
    if employee is None:
        raise PermissionDenied
    return employee


@login_required
def my_onboarding(request):
    employee = _employee_or_403(request)
    return render(
        request,
        "onboarding/my_onboarding.html",
        {"checklist": selectors.checklist_of(employee)},
    )


@login_required
def pre_hire_contacts(request):
    employee = _employee_or_403(request)
    prospects = selectors.pre_hire_prospects_of(employee)
    page = Paginator(prospects, PAGE_SIZE).get_page(request.GET.get("page"))
    checklist = selectors.checklist_of(employee)
    return render(
        request,
        "onboarding/pre_hire_contacts.html",
        {
            "page": page,
            "agreement": next(
                (i for i in checklist.items if i.key == "contribution_agreement"), None
            ),
            "locked": checklist.agreement_locked,
        },
    )


@login_required
@require_POST
def contribution_decide(request):
    """First post: show what will change and ask to confirm; the confirmed post decides."""
    employee = _employee_or_403(request)
    form = ContributionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("pre-hire-contacts")
    choice = form.cleaned_data
    if request.POST.get("confirmed") != "1":
        chosen = selectors.pre_hire_prospects_of(employee)
        if not choice["all"]:
            chosen = chosen.filter(pk__in=choice["prospect_ids"])
        return render(
            request,
            "onboarding/confirm_contribution.html",
            {"choice": choice, "chosen": chosen[:PAGE_SIZE], "count": chosen.count()},
        )
    try:
        result = services.contribution_decide(
            employee=employee,
            contribute=choice["contribute"],
            prospect_ids=choice["prospect_ids"],
            all_pre_hire=choice["all"],
            via="browser",
        )
    except services.ContributionLocked:
        messages.error(request, _("Your departure has started: your decisions are final."))
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
    else:
        if choice["contribute"]:
            text = ngettext(
                "%(count)d contact contributed to the company.",
                "%(count)d contacts contributed to the company.",
                result["changed"],
            )
        else:
            text = ngettext(
                "%(count)d contact stays yours.",
                "%(count)d contacts stay yours.",
                result["changed"],
            )
        messages.success(request, text % {"count": result["changed"]})
    return redirect("pre-hire-contacts")


@login_required
def hr_onboarding(request):
    if not has_role(request.user, Role.HR, Role.ADMIN):
        raise PermissionDenied
    page = Paginator(selectors.onboardings_for_hr(), PAGE_SIZE).get_page(request.GET.get("page"))
    checklists = selectors.checklists_of_many(page.object_list)
    rows = [checklists[employee.pk] for employee in page.object_list]
    return render(request, "onboarding/hr_onboarding.html", {"page": page, "rows": rows})


@login_required
def employee_new(request):
    """HR creates an employee; their onboarding checklist opens with them."""
    if not has_role(request.user, Role.HR, Role.ADMIN):
        raise PermissionDenied
    form = EmployeeForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            employee, _created = services.employee_hire(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(username)s is created: their onboarding checklist is open.")
                % {"username": employee.username},
            )
            return redirect("hr-onboarding")
    return render(
        request, "people/employee_new.html", {"form": form}, status=400 if form.is_bound else 200
    )


@login_required
@require_POST
def charter_acknowledge(request, pk):
    """The employee acknowledges a charter version from "My compliance"."""
    employee = employee_of(request.user)
    if employee is None:
        raise PermissionDenied
    version = get_object_or_404(CharterVersion, pk=pk)
    try:
        services.charter_acknowledge(employee=employee, version=version, via="browser")
    except ValidationError:
        messages.error(request, _("This version has been replaced; read the current one."))
    else:
        messages.success(request, _("Charter acknowledged."))
    return redirect("my-compliance")


@login_required
def team_compliance(request):
    """HR's view of the team's charters and training, with the form to record a training."""
    if not has_role(request.user, Role.HR):
        raise PermissionDenied
    employees = employees_visible_to(request.user)
    form = TrainingForm(request.POST or None, employees=employees)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("team-compliance")
    people = list(employees.filter(role__in=[Role.REP, Role.MANAGER]))
    compliance = charter_selectors.compliance_of_many(people)
    rows = [{"employee": person, **compliance[person.pk]} for person in people]
    return render(request, "charters/team_compliance.html", {"rows": rows, "form": form})
