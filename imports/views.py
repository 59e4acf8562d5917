"""Browser pages: the rep's imports (history and upload), following one, and the rows
it rejected as CSV."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from core import csv
from imports import messages, selectors, services
from imports.api import MAX_UPLOAD_BYTES

HISTORY_PAGE_SIZE = 20


class LinkedInUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Connections.csv"),
        help_text=_(
            "On LinkedIn: Settings › Data privacy › Get a copy of your data › Connections. "
            "Connections made before your hire date stay yours (pre-hire network)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."),
                params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload


def _importer(request):
    try:
        return selectors.importer_of(request.user)
    except ApiPermissionDenied:
        raise PermissionDenied from None


@login_required
@require_http_methods(["GET", "POST"])
def linkedin_import(request):
    """The caller's past imports, newest first, with the form that starts a new one."""
    owner = _importer(request)
    posted = request.method == "POST"
    form = LinkedInUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        job = services.linkedin_import_start(owner=owner, upload=form.cleaned_data["file"])
        return redirect("import-job", job.pk)
    page = Paginator(selectors.import_history_of(owner), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for job in page.object_list:
        job.error_text = messages.reason_text(job.error) if job.error else ""
    return render(
        request,
        "imports/upload.html",
        {"form": form, "page": page},
        status=400 if form.is_bound else 200,
    )


def _job_context(request, job) -> dict:
    owner = selectors.employee_of(request.user)
    return {
        "job": job,
        "is_owner": owner is not None and owner.pk == job.owner_id,
        "rejected_rows": messages.rejected_rows(job),
        "error_text": messages.reason_text(job.error) if job.error else "",
    }


@login_required
def import_job(request, pk):
    job = selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "imports/job.html", _job_context(request, job))


@login_required
def import_job_progress(request, pk):
    """The progress block alone, polled by the job page until the import ends."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "imports/_progress.html", _job_context(request, job))


@login_required
def import_job_rejected_csv(request, pk):
    """The rows the import left out: line, the file's column, the reason, in the reader's
    language. Only row numbers and reasons: the job never kept the rows' values."""
    job = selectors.import_job_of_owner(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    day = timezone.localtime(job.created_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="import-{day}-rejected-rows.csv"'
    writer = csv.writer(response)
    writer.writerow([gettext("Line"), gettext("Column"), gettext("Reason")])
    for entry in messages.rejected_rows(job):
        for column, reason in entry["errors"]:
            writer.writerow([entry["row"], column, reason])
    return response
