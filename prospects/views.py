"""Browser pages for prospects: the add and edit forms, one prospect, shares, bulk actions.

The list lives in ``dashboard.prospect_list`` (it shows consent too) and deleting in
``consent.views`` (the evidence stays).

Each view: access helper → form → one service call → template.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from people.models import Employee, Role
from people.selectors import employee_of, has_role
from prospects import bulk, rules, saved_filters, selectors, services
from prospects.forms import (
    BulkActionForm,
    BulkFollowUpForm,
    BulkShareForm,
    ProspectForm,
    ShareForm,
)
from prospects.models import Prospect

PAGE_SIZE = 25
READER_ROLES = (Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN)
ADDER_ROLES = (Role.REP, Role.MANAGER)


def reader_or_403(request) -> None:
    """Sales, the DPO and admins read prospects; HR never handles them."""
    if not has_role(request.user, *READER_ROLES):
        raise PermissionDenied


def _adder(request) -> Employee:
    """The rep or manager adding a prospect they will own."""
    employee = employee_of(request.user)
    if employee is None or employee.role not in ADDER_ROLES:
        raise PermissionDenied
    return employee


def _viewable(request, pk) -> Prospect:
    reader_or_403(request)
    return selectors.prospect_get(user=request.user, pk=pk)


def editable_or_403(request, pk) -> Prospect:
    """404 out of scope, 403 when only shared for reading (or for HR)."""
    reader_or_403(request)
    return selectors.prospect_editable_get(user=request.user, pk=pk)


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
    prospect = editable_or_403(request, pk)
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
    contact_panel_url = None
    # Only sales roles contact people: others (the DPO, admins) would load a panel that
    # refuses them, and the page would wait for it.
    if has_role(request.user, Role.REP, Role.MANAGER):
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
@require_http_methods(["POST"])
def prospect_bulk(request):
    """The list's bulk actions: first a confirmation page naming the rows, then the action.

    Only rows the caller's list holds are read: other ids are ignored, never acted on.
    """
    reader_or_403(request)
    back = _back_to_list(request)
    action_form = BulkActionForm(request.POST)
    rows = _selected_rows(request)
    if not action_form.is_valid() or not rows:
        messages.error(request, _("Tick at least one prospect, then choose what to do."))
        return redirect(back)
    action = action_form.cleaned_data["action"]
    details = _bulk_details_form(request, action)
    if request.POST.get("confirm") == "1" and (details is None or details.is_valid()):
        return _bulk_run(request, action, rows, details, back)
    return render(
        request,
        "prospects/bulk_confirm.html",
        {
            "action": action,
            "action_label": dict(action_form.fields["action"].choices)[action],
            "rows": rows,
            "details": details,
            "back": back,
        },
        status=400 if details is not None and details.is_bound and details.errors else 200,
    )


def _back_to_list(request) -> str:
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and (
        back.startswith(reverse("prospects"))
    ):
        return back
    return reverse("prospects")


def _selected_rows(request) -> list[Prospect]:
    """The ticked rows (or the whole page), among those the caller's list holds."""
    field = "page_ids" if request.POST.get("all_on_page") else "ids"
    ids = []
    for value in request.POST.getlist(field)[: PAGE_SIZE * 4]:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    if not ids:
        return []
    return list(
        selectors.prospects_listed_for(request.user)
        .filter(pk__in=ids)
        .select_related("owner__user")
    )


def _bulk_details_form(request, action):
    """What the action needs besides the rows: a colleague, a date; None when nothing."""
    data = request.POST if request.POST.get("confirm") == "1" else None
    if action == BulkActionForm.SHARE:
        return BulkShareForm(data, candidates=selectors.share_colleagues(user=request.user))
    if action == BulkActionForm.FOLLOW_UP:
        return BulkFollowUpForm(data)
    return None


def _bulk_run(request, action, rows, details, back):
    user = request.user
    if action == BulkActionForm.EXPORT:
        content, outcome = bulk.prospects_export(actor=user, rows=rows)
        _bulk_summary(request, outcome)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="prospects.csv"'
        return response
    if action == BulkActionForm.SHARE:
        outcome = bulk.prospects_share(
            actor=user, rows=rows, with_employee=details.cleaned_data["employee"]
        )
    elif action == BulkActionForm.CONTRIBUTE:
        outcome = bulk.prospects_contribute(actor=user, rows=rows)
    else:
        outcome = bulk.prospects_follow_up(
            actor=user,
            rows=rows,
            due_on=details.cleaned_data["due_on"],
            note=details.cleaned_data["note"],
        )
    _bulk_summary(request, outcome)
    return redirect(back)


def _bulk_summary(request, outcome: bulk.BulkOutcome) -> None:
    """ "N done, M refused", then each refusal with its reason."""
    done, refused = len(outcome.done), len(outcome.refused)
    summary = ngettext("%(count)d done", "%(count)d done", done) % {"count": done}
    if refused:
        summary += ", " + ngettext("%(count)d refused:", "%(count)d refused:", refused) % {
            "count": refused
        }
        summary += " " + "; ".join(
            f"{prospect.full_name} ({why})" for prospect, why in outcome.refused
        )
        messages.warning(request, summary)
    else:
        messages.success(request, summary)


@login_required
@require_http_methods(["POST"])
def saved_filter_save(request):
    reader_or_403(request)
    query = request.POST.get("query", "")
    try:
        saved = saved_filters.saved_filter_save(
            user=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("prospects") + "?" + saved_filters.list_query(query))
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(reverse("prospects") + "?" + saved.query)


@login_required
@require_http_methods(["GET", "POST"])
def saved_filter_delete(request, pk):
    """GET asks to confirm; POST deletes. Another user's filter is a 404."""
    reader_or_403(request)
    if request.method == "GET":
        saved = get_object_or_404(saved_filters.saved_filters_of(request.user), pk=pk)
        return render(request, "prospects/_list_saved_delete.html", {"saved": saved})
    saved_filters.saved_filter_delete(user=request.user, pk=pk)
    messages.success(request, _("Saved filter deleted."))
    return redirect("prospects")
