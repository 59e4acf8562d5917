from django.contrib import admin

from imports.models import JOB_REPORT_FIELDS, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Counts only: the uploaded file is personal data and is not linked from here."""

    list_display = ("id", "owner", "kind", "status", "total", "created", "created_at")
    list_filter = ("status", "kind")
    fields = ("id", "owner", *JOB_REPORT_FIELDS)
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
