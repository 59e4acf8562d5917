"""Browser pages for prospects: the list, the add and edit forms, one prospect, deleting it.

Each view: access helper → form → one service call → template.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods

from core.api import CountedPaginator
from core.forms import add_service_errors
from people.models import Employee, Role
from people.reads import record_page_read
from people.selectors import employee_of, has_role, role_of
from prospects import bulk, rules, saved_filters, selectors, services
from prospects.forms import (
    BulkActionForm,
    BulkFollowUpForm,
    BulkShareForm,
    ProspectFilterForm,
    ProspectForm,
    ShareForm,
)
from prospects.models import Prospect

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
    filters = ProspectFilterForm(request.GET, owners=_owners(request))
    chosen = filters.filters()
    prospects = selectors.prospect_search(
        selectors.prospects_listed_for(request.user).select_related("owner__user"),
        sort=filters.sort_key,
        **chosen,
    )
    if filters.owner_refused:
        # An owner outside the caller's team lists no one (never everyone).
        prospects = prospects.none()
    total = selectors.prospects_listed_total(
        request.user, filtered=bool(chosen) or filters.owner_refused
    )
    if total is None:
        paginator = Paginator(prospects, PAGE_SIZE)
    else:
        paginator = CountedPaginator(prospects, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    record_page_read(request, page, model=Prospect)
    consents = _consents_of(page.object_list)
    for prospect in page.object_list:
        prospect.consents = consents[prospect.pk]
    role = role_of(request.user)
    sort_links = _sort_links(request, filters.sort_key)
    return render(
        request,
        "prospects/list.html",
        {
            "filters": filters,
            "page": page,
            "filtered": bool(chosen) or filters.owner_refused,
            "active_filters": _active_filters(filters, chosen),
            "sort": filters.sort_key,
            "sort_links": sort_links,
            "sort_choices": [(sort_links[column], label) for column, label in _SORT_LABELS],
            "default_sort": selectors.DEFAULT_SORT,
            "saved_filters": list(saved_filters.saved_filters_of(request.user)),
            "list_query": saved_filters.list_query(request.GET.urlencode()),
            # Reps see their own (and those shared with them); the others see several owners.
            "show_owner": role != Role.REP,
            "can_add": role in _ADDER_ROLES,
        },
    )


def _owners(request):
    """The owners the list may be narrowed to; None for a rep (their list has one owner)."""
    if role_of(request.user) == Role.REP:
        return None
    return selectors.prospect_owners_filterable_by(request.user)


def _active_filters(filters: ProspectFilterForm, chosen: dict) -> list[tuple[str, str]]:
    """(label, value as the user reads it) of each filter applied, for the line above the list."""
    active = []
    for name, value in chosen.items():
        field = filters.fields[name]
        if name == "q":
            shown = value
        elif name == "owner":
            shown = value.username
        else:
            shown = dict(field.choices).get(value, value)
        active.append((field.label, shown))
    if filters.owner_refused:
        active.append((filters.fields["owner"].label, _("not in your team")))
    return active


# Column → (sort key when first clicked, its reverse). Names are encrypted: not sortable.
_SORTABLE_COLUMNS = {
    "collected_at": ("-collected_at", "collected_at"),
    "last_outreach_at": ("-last_outreach_at", "last_outreach_at"),
    "next_follow_up_on": ("next_follow_up_on", None),
    "created_at": ("-created_at", "created_at"),
}


_SORT_LABELS = [
    ("created_at", pgettext_lazy("prospect list", "Added on")),
    ("collected_at", gettext_lazy("Collected on")),
    ("last_outreach_at", pgettext_lazy("prospect list", "Last contact")),
    ("next_follow_up_on", pgettext_lazy("prospect list", "Next follow-up")),
]


def _sort_links(request, current: str) -> dict:
    """Per sortable column: the link that sorts by it (or reverses it), and its aria-sort."""
    links = {}
    for column, (first, reverse_key) in _SORTABLE_COLUMNS.items():
        if current == first:
            target = reverse_key or first
            aria = "ascending" if not first.startswith("-") else "descending"
        elif current == reverse_key:
            target, aria = first, "ascending" if not reverse_key.startswith("-") else "descending"
        else:
            target, aria = first, None
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = target
        links[column] = {"url": "?" + query.urlencode(), "aria": aria}
    return links


def _consents_of(prospects) -> dict:
    """Each listed prospect's consent status per channel, in one query for the page."""
    # The consent app sits above this one: the list borrows its reading of the events.
    from consent.models import ConsentAction, ConsentEvent
    from consent.selectors import consent_status_by_channel
    from suppression.models import Channel

    ids = [prospect.pk for prospect in prospects]
    if not ids:
        return {}
    events: dict = {pk: [] for pk in ids}
    for event in ConsentEvent.objects.filter(prospect_id__in=ids).only(
        "prospect_id", "channel", "action", "evidence", "wording_shown", "occurred_at"
    ):
        events[event.prospect_id].append(event)
    return {
        pk: [
            {
                "channel": Channel(channel).label,
                "granted": status == ConsentAction.GRANT,
                "status": ConsentAction(status).label,
            }
            for channel, status in consent_status_by_channel(found).items()
            if status is not None
        ]
        for pk, found in events.items()
    }


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
@require_http_methods(["GET", "POST"])
def prospect_delete(request, pk):
    prospect = _editable(request, pk)
    if request.method == "POST":
        services.prospect_delete(actor=request.user, prospect=prospect)
        messages.success(request, _("Prospect deleted."))
        return redirect("prospects")
    return render(request, "prospects/delete.html", {"prospect": prospect})


@login_required
@require_http_methods(["POST"])
def prospect_bulk(request):
    """The list's bulk actions: first a confirmation page naming the rows, then the action.

    Only rows the caller's list holds are read: other ids are ignored, never acted on.
    """
    _reader(request)
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
    _reader(request)
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
    _reader(request)
    if request.method == "GET":
        saved = get_object_or_404(saved_filters.saved_filters_of(request.user), pk=pk)
        return render(request, "prospects/_list_saved_delete.html", {"saved": saved})
    saved_filters.saved_filter_delete(user=request.user, pk=pk)
    messages.success(request, _("Saved filter deleted."))
    return redirect("prospects")
