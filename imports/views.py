"""Browser pages: uploading a LinkedIn connections export, and following its import."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from imports import selectors, services
from imports.api import MAX_UPLOAD_BYTES


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
    owner = _importer(request)
    posted = request.method == "POST"
    form = LinkedInUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        job = services.linkedin_import_start(owner=owner, upload=form.cleaned_data["file"])
        return redirect("import-job", job.pk)
    return render(
        request, "imports/upload.html", {"form": form}, status=400 if form.is_bound else 200
    )


@login_required
def import_job(request, pk):
    job = selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "imports/job.html", {"job": job})


@login_required
def import_job_progress(request, pk):
    """The progress block alone, polled by the job page until the import ends."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    return render(request, "imports/_progress.html", {"job": job})
