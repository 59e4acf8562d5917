from django.contrib import admin

from retention.models import RepermissionRequest


@admin.register(RepermissionRequest)
class RepermissionRequestAdmin(admin.ModelAdmin):
    """Ids and dates only: which owner was asked about which prospect, for which deadline."""

    list_display = ("prospect_id", "owner", "retention_until", "requested_at")
    list_filter = ("retention_until",)
    fields = ("prospect", "owner", "retention_until", "requested_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
