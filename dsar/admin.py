from django.contrib import admin

from dsar.models import DataSubjectRequest

# The accountability record only: identifiers and messages are personal data, read on the
# DPO's pages (scoped and audited), not here.
RECORD_FIELDS = (
    "id",
    "type",
    "status",
    "received_via",
    "received_at",
    "due_at",
    "extended_at",
    "extension_months",
    "extension_reason",
    "verification_method",
    "verified_at",
    "execution",
    "executed_at",
    "completed_at",
    "rejected_at",
    "rejection_reason",
    "outcome",
)


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "status", "received_via", "received_at", "due_at")
    list_filter = ("status", "type", "received_via")
    fields = RECORD_FIELDS
    readonly_fields = RECORD_FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
