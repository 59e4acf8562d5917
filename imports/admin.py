from django.contrib import admin

from imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Counts only: the uploaded file is personal data and is not linked from here."""

    list_display = ("id", "owner", "kind", "status", "total", "created", "created_at")
    list_filter = ("status", "kind")
    fields = (
        "id",
        "owner",
        "kind",
        "status",
        "total",
        "processed",
        "created",
        "duplicates",
        "opposed",
        "rejected_count",
        "rejected",
        "by_provenance",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
