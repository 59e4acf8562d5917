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

    # An approved version is shown read-only and cannot be saved or deleted (a POST
    # answers 403): an edit is a new version, approved again (services.content_revise).
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # "Delete selected" would not look at each version: drafts are deleted one by one.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


admin.site.register(ContentItem)
admin.site.register(ContentUse)
