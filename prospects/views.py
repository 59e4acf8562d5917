"""Browser pages for prospects: the list, the add and edit forms, one prospect, deleting it.

Each view: access helper → form → one service call → template.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.reads import record_page_read
from people.models import Employee, Role
from people.selectors import employee_of, has_role, role_of
from prospects import rules, selectors, services
from prospects.forms import ProspectFilterForm, ProspectForm, ShareForm
from prospects.models import Prospect
from socialcrm.lib.api import CountedPaginator
from socialcrm.lib.forms import add_service_errors

PAGE_SIZE = 25
_READER_ROLES = (Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN)
_ADDER_ROLES = (Role.REP, Role.MANAGER)


def _reader(request) -> None:
    """Sales, the DPO and admins read prospects; HR never handles them."""
    if not has_role(request.user, *_READER_ROLES):
        raise PermissionDenied


def _adder(request) -> Employee:
    """The rep or manager adding a prospect they will own."""
    employee = employee_of(request.user)
    if employee is None or employee.role not in _ADDER_ROLES:
        raise PermissionDenied
    return employee


def _viewable(request, pk) -> Prospect:
    _reader(request)
    return selectors.prospect_get(user=request.user, pk=pk)


def _editable(request, pk) -> Prospect:
    """404 out of scope, 403 when only shared for reading."""
    prospect = _viewable(request, pk)
    if not selectors.prospect_editable_by(user=request.user, prospect=prospect):
        raise PermissionDenied
    return prospect


@login_required
def prospect_list(request):
    _reader(request)
    filters = ProspectFilterForm(request.GET)
    prospects = selectors.prospect_search(
        selectors.prospects_listed_for(request.user).select_related("owner__user"),
        **filters.filters(),
    )
    total = selectors.prospects_listed_total(request.user, filtered=bool(filters.filters()))
    if total is None:
        paginator = Paginator(prospects, PAGE_SIZE)
    else:
        paginator = CountedPaginator(prospects, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    record_page_read(request, page, model=Prospect)
    role = role_of(request.user)
    return render(
        request,
        "prospects/list.html",
        {
            "filters": filters,
            "page": page,
            "filtered": bool(filters.filters()),
            # Reps see their own (and those shared with them); the others see several owners.
            "show_owner": role != Role.REP,
            "can_add": role in _ADDER_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prospect_new(request):
    owner = _adder(request)
    form = ProspectForm(request.POST if request.method == "POST" else None, owner=owner)
    if request.method == "POST" and form.is_valid():
        prospect = _store(
            request,
            form,
            save=lambda data: services.prospect_create(actor=request.user, owner=owner, data=data),
        )
        if prospect is not None:
            messages.success(request, _("Prospect added."))
            return redirect("prospect", prospect.pk)
    return _form_page(request, form, prospect=None)


@login_required
@require_http_methods(["GET", "POST"])
def prospect_edit(request, pk):
    prospect = _editable(request, pk)
    form = ProspectForm(
        request.POST if request.method == "POST" else None, owner=prospect.owner, prospect=prospect
    )
    if request.method == "POST" and form.is_valid():
        updated = _store(
            request,
            form,
            save=lambda data: services.prospect_update(
                actor=request.user, prospect=prospect, data=data
            ),
        )
        if updated is not None:
            messages.success(request, _("Prospect saved."))
            return redirect("prospect", prospect.pk)
    return _form_page(request, form, prospect=prospect)


def _store(request, form: ProspectForm, *, save):
    """Call the service; its refusals become errors on the form (nothing was stored)."""
    try:
        return save(form.service_data())
    except ValidationError as exc:
        add_service_errors(form, exc)
    except services.ProspectRejected as exc:
        form.rejection = exc.code
        existing = exc.existing
        # Naming a prospect the user may not see would leak that the person is in the CRM.
        if (
            existing is not None
            and selectors.prospects_visible_to(request.user).filter(pk=existing.pk).exists()
        ):
            form.existing_url = reverse("prospect", args=[existing.pk])
    return None


def _form_page(request, form: ProspectForm, *, prospect):
    return render(
        request,
        "prospects/form.html",
        {
            "form": form,
            "prospect": prospect,
            "rejection": getattr(form, "rejection", None),
            "existing_url": getattr(form, "existing_url", None),
        },
        # Shown again after a POST only when something was refused.
        status=400 if form.is_bound else 200,
    )


@login_required
def prospect_detail(request, pk):
    prospect = _viewable(request, pk)
    return render(
        request,
        "prospects/detail.html",
        {**_detail_context(request, prospect), **_sharing(request, prospect)},
    )


def _detail_context(request, prospect) -> dict:
    labels = {name: Prospect._meta.get_field(name).verbose_name for name in rules.VALUE_FIELDS}
    history = (
        selectors.prospect_history(prospect=prospect).select_related("recorded_by__user").reverse()
    )
    try:
        contact_panel_url = reverse("contact-panel", args=[prospect.pk])
    except NoReverseMatch:
        # The consent panel is optional here: the page stands without it.
        contact_panel_url = None
    return {
        "prospect": prospect,
        "timeline": [(labels.get(entry.field, entry.field), entry) for entry in history],
        "can_edit": selectors.prospect_editable_by(user=request.user, prospect=prospect),
        "restricted_values": rules.restricted_values(
            email=prospect.email, email_restricted=prospect.email_restricted
        ),
        "contact_panel_url": contact_panel_url,
    }


def _sharing(request, prospect, form=None) -> dict:
    """The owner's share list and form on the prospect page; nothing for anyone else."""
    if not selectors.prospect_shareable_by(user=request.user, prospect=prospect):
        return {"can_share": False}
    candidates = selectors.prospect_share_candidates(prospect=prospect)
    return {
        "can_share": True,
        "shares": list(selectors.prospect_shared_with(prospect=prospect)),
        "share_form": form or ShareForm(candidates=candidates),
    }


def _shareable(request, pk) -> Prospect:
    """404 out of scope, 403 for those who see the prospect without owning it."""
    prospect = _viewable(request, pk)
    if not selectors.prospect_shareable_by(user=request.user, prospect=prospect):
        raise PermissionDenied
    return prospect


@login_required
@require_http_methods(["POST"])
def prospect_share(request, pk):
    prospect = _shareable(request, pk)
    form = ShareForm(
        request.POST, candidates=selectors.prospect_share_candidates(prospect=prospect)
    )
    if form.is_valid():
        colleague = form.cleaned_data["employee"]
        try:
            services.prospect_share(actor=request.user, prospect=prospect, with_employee=colleague)
        except ValidationError as exc:
            form.add_error("employee", exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s can now see this prospect.") % {"name": colleague.username},
            )
            return redirect(reverse("prospect", args=[prospect.pk]) + "#shares")
    # The page again, with the form's errors.
    return render(
        request,
        "prospects/detail.html",
        {**_detail_context(request, prospect), **_sharing(request, prospect, form)},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def prospect_unshare(request, pk, employee_id):
    prospect = _shareable(request, pk)
    colleague = next(
        (e for e in selectors.prospect_shared_with(prospect=prospect) if e.pk == employee_id), None
    )
    if colleague is None:
        messages.info(request, _("This colleague no longer has access to this prospect."))
        return redirect(reverse("prospect", args=[prospect.pk]) + "#shares")
    if request.method == "POST":
        services.prospect_unshare(actor=request.user, prospect=prospect, with_employee=colleague)
        messages.success(
            request,
            _("%(name)s no longer sees this prospect.") % {"name": colleague.username},
        )
        return redirect(reverse("prospect", args=[prospect.pk]) + "#shares")
    return render(request, "prospects/unshare.html", {"prospect": prospect, "colleague": colleague})


@login_required
@require_http_methods(["GET", "POST"])
def prospect_delete(request, pk):
    prospect = _editable(request, pk)
    if request.method == "POST":
        services.prospect_delete(actor=request.user, prospect=prospect)
        messages.success(request, _("Prospect deleted."))
        return redirect("prospects")
    return render(request, "prospects/delete.html", {"prospect": prospect})
