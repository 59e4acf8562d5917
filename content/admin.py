from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from content.models import ContentItem, ContentUse, ContentVersion


@admin.register(ContentVersion)
class ContentVersionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "number",
        "item",
        "author",
        "approved_by",
        "approved_over_flags",
        "valid_from",
        "valid_until",
    ]
    # Approval goes through the service (no self-approval, a reason for a flagged text,
    # audited), not through the admin.
    readonly_fields = ["approved_by", "approved_at", "approval_override_reason"]

    @admin.display(boolean=True, description=_("approved over the content check"))
    def approved_over_flags(self, version):
        return bool(version.approval_override_reason)

    raw_id_fields = ["item", "author"]


admin.site.register(ContentItem)
admin.site.register(ContentUse)
