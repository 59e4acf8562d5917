"""Browser pages: the library (authors), the editor, the approval queue, and reps' Share page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from content import selectors, services
from content.forms import ContentForm, StatusFilterForm
from content.models import ContentItem
from core.forms import add_service_errors
from people.models import Role
from people.selectors import employee_of, has_role


def _author_or_403(request):
    if not selectors.is_author(request.user) or employee_of(request.user) is None:
        raise PermissionDenied
    return employee_of(request.user)


@login_required
def library(request):
    _author_or_403(request)
    filters = StatusFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(selectors.items_for_author(status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "content/library.html",
        {"page": page, "filters": filters, "status": status},
    )


@login_required
def content_new(request):
    author = _author_or_403(request)
    form = ContentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.content_create(
                actor=request.user, author=author, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved: another author must approve it."))
            return redirect("content-item", version.item_id)
    return render(request, "content/form.html", {"form": form, "item": None})


@login_required
def content_edit(request, pk):
    author = _author_or_403(request)
    item = get_object_or_404(ContentItem, pk=pk)
    latest = item.versions.order_by("-number").first()
    initial = {
        name: getattr(latest, name)
        for name in (
            "title",
            "body",
            "language",
            "channels",
            "networks",
            "valid_from",
            "valid_until",
        )
    }
    form = ContentForm(request.POST or None, initial=initial, revising=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.content_revise(
                actor=request.user, author=author, item=item, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("New version saved: it needs approval again."))
            return redirect("content-item", item.pk)
    return render(request, "content/form.html", {"form": form, "item": item, "latest": latest})


@login_required
def content_item(request, pk):
    author = _author_or_403(request)
    item = get_object_or_404(ContentItem.objects.select_related("created_by__user"), pk=pk)
    versions = selectors.versions_of(item)
    latest = versions[0]
    return render(
        request,
        "content/item.html",
        {
            "item": item,
            "versions": versions,
            "latest": latest,
            "current": selectors.current_of(versions),
            "status": selectors.status_of(item, versions),
            "can_approve": not latest.is_approved
            and latest.author_id != author.pk
            and item.archived_at is None,
        },
    )


@login_required
@require_POST
def content_approve(request, pk):
    author = _author_or_403(request)
    item = get_object_or_404(ContentItem, pk=pk)
    number = request.POST.get("version")
    try:
        services.content_approve(
            actor=request.user,
            approver=author,
            item=item,
            number=int(number) if number and number.isdigit() else None,
            override_reason=request.POST.get("approval_override_reason", ""),
        )
    except services.SelfApproval as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Approved: reps are offered this version from now on."))
    if request.POST.get("from_queue"):
        return redirect("content-queue")
    return redirect("content-item", pk)


@login_required
@require_POST
def content_withdraw(request, pk):
    _author_or_403(request)
    item = get_object_or_404(ContentItem, pk=pk)
    services.content_withdraw(actor=request.user, item=item)
    messages.success(request, _("Withdrawn: reps are no longer offered this content."))
    return redirect("content-item", pk)


@login_required
def approval_queue(request):
    author = _author_or_403(request)
    page = Paginator(selectors.approval_queue(), 25).get_page(request.GET.get("page"))
    return render(request, "content/queue.html", {"page": page, "me": author})


@login_required
def share(request):
    """Approved posts for the networks the rep uses, to copy and share from their own account."""
    if not has_role(request.user, Role.REP, Role.MANAGER):
        raise PermissionDenied
    employee = employee_of(request.user)
    accounts = list(employee.social_accounts.all())
    networks = {account.network for account in accounts}
    posts = selectors.offered_posts_for(networks=networks) if networks else []
    return render(
        request,
        "content/share.html",
        {"posts": posts, "accounts": accounts, "networks": sorted(networks)},
    )


@login_required
@require_POST
def share_record(request, pk):
    if not has_role(request.user, Role.REP, Role.MANAGER):
        raise PermissionDenied
    employee = employee_of(request.user)
    version = selectors.offered_version_get(pk=pk)
    network = request.POST.get("network", "")
    used = set(employee.social_accounts.values_list("network", flat=True))
    if version is None or network not in used:
        raise PermissionDenied
    services.content_share_record(
        actor=request.user, employee=employee, version=version, network=network
    )
    messages.success(request, _("Noted: thank you for sharing."))
    return redirect("content-share")
