from django.contrib import admin

from content.models import ContentItem, ContentUse, ContentVersion


@admin.register(ContentVersion)
class ContentVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "item", "author", "approved_by", "valid_from", "valid_until"]
    # Approval goes through the service (no self-approval, audited), not through the admin.
    readonly_fields = ["approved_by", "approved_at"]
    raw_id_fields = ["item", "author"]


admin.site.register(ContentItem)
admin.site.register(ContentUse)
