"""Browser pages: the public request form and its verification link, the DPO's queue and
request pages, and employees' attestations after an erasure."""

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from dsar import exports, selectors, services, throttle
from dsar.forms import (
    ConfirmMatchesForm,
    DsarForm,
    ExecuteForm,
    ExtendForm,
    NoteForm,
    PublicRequestForm,
    RejectForm,
    VerifyIdentifiersForm,
)
from dsar.models import (
    OPEN_STATUSES,
    DataSubjectRequest,
    DsarExport,
    EmployeeAttestation,
    Execution,
    ExportFormat,
    ReceivedVia,
    RequestType,
    Status,
)
from people.models import Role
from people.reads import record_page_read
from people.selectors import employee_of, has_role

DPO_ROLES = (Role.DPO, Role.ADMIN)


def _messages_of(exc: ValidationError) -> list[str]:
    return exc.messages


def public_request(request):
    """GDPR rights for anyone, without an account: the request is confirmed by e-mail."""
    form = PublicRequestForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "dsar/public_request.html", {"form": form})
    # Only a valid request counts against the address's budget: a typo costs nothing.
    if not throttle.allow(request):
        return render(request, "dsar/public_throttled.html", status=429)
    try:
        services.dsar_create(
            actor="public",
            received_via=ReceivedVia.PUBLIC_FORM,
            language=getattr(request, "LANGUAGE_CODE", "en"),
            verify_url_builder=lambda token: request.build_absolute_uri(
                reverse("dsar-public-verify", args=[token])
            ),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(request, "dsar/public_request.html", {"form": form})
    return redirect("dsar-public-sent")


def public_request_sent(request):
    return render(request, "dsar/public_sent.html")


def public_verify(request, token):
    """The e-mailed link. GET asks to confirm (mail scanners open links); POST verifies."""
    if request.method == "POST":
        try:
            services.dsar_verify_link(token=token)
        except ValidationError:
            return render(request, "dsar/public_verify.html", {"invalid": True}, status=400)
        return render(request, "dsar/public_verify.html", {"verified": True})
    return render(request, "dsar/public_verify.html", {})


def _download_target(request, token):
    """The request and its live exports behind a mailed download link, or the refusal page:
    404 for a forged, cut or altered token (nothing says whether it ever existed), 410 once
    the link or the export has expired. The person's own language either way, once known."""
    index = services.download_token_index(token)
    dsar = (
        DataSubjectRequest.objects.filter(download_token_index=index).first()
        if index is not None
        else None
    )
    if dsar is None:
        return None, render(request, "dsar/download_refused.html", {"gone": False}, status=404)
    with translation.override(dsar.language):
        now = timezone.now()
        live = {
            e.format: e
            for e in DsarExport.objects.filter(
                request=dsar, deleted_at__isnull=True, expires_at__gt=now
            )
        }
        if dsar.download_expires_at is None or dsar.download_expires_at <= now or not live:
            return None, render(request, "dsar/download_refused.html", {"gone": True}, status=410)
    return (dsar, live), None


def _in_language(dsar, response):
    response["Content-Language"] = dsar.language
    return response


def public_download(request, token):
    """The page the completion mail links to: the summary, and the files to download."""
    target, refused = _download_target(request, token)
    if refused:
        return refused
    dsar, live = target
    with translation.override(dsar.language):
        response = render(
            request,
            "dsar/download.html",
            {"token": token, "formats": sorted(live), "expires_at": dsar.download_expires_at},
        )
    return _in_language(dsar, response)


def public_download_file(request, token, fmt):
    target, refused = _download_target(request, token)
    if refused:
        return refused
    dsar, live = target
    export = live.get(fmt)
    if export is None:
        raise Http404
    payload = exports.export_read(actor="public", export=export)
    content_type = "application/json" if fmt == ExportFormat.JSON else "application/zip"
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="my-data.{fmt}"'
    return response


def public_summary(request, token):
    """What we hold about the person, in words, in their language (no login: the token
    in the mailed link is the capability)."""
    target, refused = _download_target(request, token)
    if refused:
        return refused
    dsar, live = target
    export = live.get(ExportFormat.JSON)
    if export is None:
        raise Http404
    document = json.loads(
        exports.export_read(actor="public", export=export, action="dsar.summary_viewed")
    )
    with translation.override(dsar.language):
        response = render(
            request,
            "dsar/summary.html",
            {
                "summary": exports.summary_of(document),
                "token": token,
                "formats": sorted(live),
                "expires_at": dsar.download_expires_at,
            },
        )
    return _in_language(dsar, response)


# The list's filters, as the DPO dashboard's tiles link to them: ``?status=open`` (any open
# status) and ``?due=soon|overdue`` (open requests, with dsar_deadline_counts' definitions).
OPEN = "open"
DUE_FILTERS = {
    "soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
}


def _due_filtered(requests, due: str):
    now = timezone.now()
    requests = requests.filter(status__in=OPEN_STATUSES)
    if due == "overdue":
        return requests.filter(due_at__lt=now)
    soon = now + timedelta(days=selectors.due_soon_days())
    return requests.filter(due_at__gte=now, due_at__lt=soon)


@login_required
def dsar_list(request):
    if not has_role(request.user, *DPO_ROLES):
        raise PermissionDenied
    wanted = request.GET.get("status") or ""
    if wanted not in (*Status.values, OPEN):
        wanted = ""
    due = request.GET.get("due") or ""
    if due not in DUE_FILTERS:
        due = ""
    requests = selectors.dsar_list(
        user=request.user, status=wanted if wanted in Status.values else None
    )
    if wanted == OPEN:
        requests = requests.filter(status__in=OPEN_STATUSES)
    if due:
        requests = _due_filtered(requests, due)
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    record_page_read(request, page, model=DataSubjectRequest)
    return render(
        request,
        "dsar/list.html",
        {
            "page": page,
            "statuses": [(OPEN, _("Open (any stage)")), *Status.choices],
            "wanted": wanted,
            "dues": list(DUE_FILTERS.items()),
            "due": due,
            "now": timezone.now(),
            "counts": selectors.dsar_deadline_counts(),
        },
    )


@login_required
def dsar_new(request):
    """The DPO records a request; an employee forwards one received on their personal account."""
    dpo = has_role(request.user, *DPO_ROLES)
    if not dpo and employee_of(request.user) is None:
        raise PermissionDenied
    form = DsarForm(request.POST or None, dpo=dpo)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        try:
            dsar = services.dsar_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Request recorded. It is due on %(date)s.")
                % {"date": timezone.localtime(dsar.due_at).strftime("%Y-%m-%d")},
            )
            return redirect("dsar-detail", pk=dsar.pk)
    return render(request, "dsar/new.html", {"form": form, "dpo": dpo})


def _job_running(dsar) -> bool:
    return dsar.execution in (Execution.QUEUED, Execution.RUNNING)


def _detail_context(request, dsar, **forms):
    dpo = has_role(request.user, *DPO_ROLES)
    context = {
        "dsar": dsar,
        "running": _job_running(dsar),
        "dpo": dpo,
        "now": timezone.now(),
        "overdue": dsar.is_open and dsar.due_at < timezone.now(),
        "note_form": forms.get("note_form") or NoteForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "execute_form": forms.get("execute_form")
        or ExecuteForm(rectification=dsar.type == RequestType.RECTIFICATION),
        "attestations": dsar.attestations.select_related("employee__user"),
    }
    if dpo:
        review = selectors.dsar_match_review(dsar)
        unverified = [
            field
            for field in ("email", "phone", "profile_url")
            if getattr(dsar, f"{field}_index") and field not in dsar.verified_identifiers
        ]
        context["review"] = review
        context["unconfirmed"] = selectors.unconfirmed_matches(review)
        context["unverified"] = unverified
        context["identifiers_form"] = forms.get("identifiers_form") or VerifyIdentifiersForm(
            unverified=unverified
        )
        context["confirm_form"] = forms.get("confirm_form") or ConfirmMatchesForm(matches=review)
        context["matches"] = selectors.dsar_matches(dsar)
        context["exports"] = {
            e.format: e
            for e in DsarExport.objects.filter(
                request=dsar, deleted_at__isnull=True, expires_at__gt=timezone.now()
            )
        }
        from dsar.rules import RIGHTS_STATEMENT

        context["rights_statement"] = RIGHTS_STATEMENT
    return context


@login_required
def dsar_detail(request, pk):
    dsar = selectors.dsar_get(user=request.user, pk=pk)
    return render(request, "dsar/detail.html", _detail_context(request, dsar))


@login_required
def dsar_status(request, pk):
    """The status alone, polled by the request's page while its job runs. Once the job
    has ended the whole page reloads, so its exports and outcome appear."""
    dsar = selectors.dsar_get(user=request.user, pk=pk)
    running = _job_running(dsar)
    response = render(request, "dsar/_status.html", {"dsar": dsar, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def dsar_action(request, pk, action):
    dsar = selectors.dsar_get(user=request.user, pk=pk)
    if not has_role(request.user, *DPO_ROLES):
        raise PermissionDenied
    handlers = {
        "verify": (
            NoteForm,
            "note_form",
            lambda data: services.dsar_verify(actor=request.user, dsar=dsar, note=data["note"]),
        ),
        "extend": (
            ExtendForm,
            "extend_form",
            lambda data: services.dsar_extend(actor=request.user, dsar=dsar, **data),
        ),
        "reject": (
            RejectForm,
            "reject_form",
            lambda data: services.dsar_reject(actor=request.user, dsar=dsar, **data),
        ),
    }
    if action == "identifiers":
        unverified = [f for f in ("email", "phone", "profile_url") if getattr(dsar, f"{f}_index")]
        form = VerifyIdentifiersForm(request.POST, unverified=unverified)
        key = "identifiers_form"

        def run(data):
            return services.dsar_verify_identifiers(actor=request.user, dsar=dsar, **data)
    elif action == "matches":
        form = ConfirmMatchesForm(request.POST, matches=selectors.dsar_match_review(dsar))
        key = "confirm_form"

        def run(data):
            return services.dsar_confirm_matches(
                actor=request.user, dsar=dsar, prospect_ids=data["prospect_ids"]
            )
    elif action == "execute":
        form = ExecuteForm(request.POST, rectification=dsar.type == RequestType.RECTIFICATION)
        key = "execute_form"

        def run(data):
            return services.dsar_execute(
                actor=request.user, dsar=dsar, corrections=form.corrections()
            )
    elif action in handlers:
        form_class, key, run = handlers[action]
        form = form_class(request.POST)
    else:
        raise Http404
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except services.DsarRefused as exc:
            messages.error(request, exc.detail)
            return redirect("dsar-detail", pk=dsar.pk)
        except ValidationError as exc:
            # The form may no longer be on the page (a second extension): say it up top too.
            for error in _messages_of(exc):
                form.add_error(None, error)
                messages.error(request, error)
        else:
            messages.success(request, _DONE[action])
            return redirect("dsar-detail", pk=dsar.pk)
    dsar.refresh_from_db()
    return render(
        request, "dsar/detail.html", _detail_context(request, dsar, **{key: form}), status=400
    )


_DONE = {
    "identifiers": gettext_lazy("Identifiers verified."),
    "matches": gettext_lazy("Matches confirmed."),
    "verify": gettext_lazy("Identity verified."),
    "extend": gettext_lazy("Deadline extended."),
    "reject": gettext_lazy("Request rejected."),
    "execute": gettext_lazy("The request is being carried out."),
}


@login_required
def dsar_export(request, pk, fmt):
    dsar = selectors.dsar_get(user=request.user, pk=pk)
    if not has_role(request.user, *DPO_ROLES):
        raise PermissionDenied
    if fmt not in ExportFormat.values:
        raise Http404
    export = get_object_or_404(
        DsarExport,
        request=dsar,
        format=fmt,
        deleted_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    payload = exports.export_read(actor=request.user, export=export)
    if fmt == ExportFormat.JSON:
        response = HttpResponse(payload, content_type="application/json")
        json.loads(payload)  # a corrupt file fails here, not in the person's hands
    else:
        response = HttpResponse(payload, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="dsar-{dsar.pk}.{fmt}"'
    return response


@login_required
def my_attestations(request):
    """After an erasure: the people I must also remove from my personal accounts."""
    me = employee_of(request.user)
    if me is None:
        raise PermissionDenied
    attestations = EmployeeAttestation.objects.filter(employee=me).select_related("request")
    page = Paginator(attestations.order_by("confirmed_at", "-requested_at"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "dsar/attestations.html", {"page": page})


@login_required
@require_POST
def attestation_confirm(request, pk):
    me = employee_of(request.user)
    attestation = get_object_or_404(EmployeeAttestation, pk=pk, employee=me)
    services.attestation_confirm(actor=request.user, attestation=attestation)
    messages.success(request, _("Thank you: your confirmation is recorded."))
    return redirect("dsar-attestations")
