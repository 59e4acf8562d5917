from django.contrib import admin
from django.contrib.admin import actions
from django.contrib.admin.models import DELETION
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from audit.admin_changes import admin_change_record
from audit.models import AuditCheckpoint, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(AuditEventAdmin):
    list_display = ("at", "event_count", "head_id", "head_hash")
    list_filter = ()
    search_fields = ()


@admin.action(permissions=["delete"], description=actions.delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", with each deleted object in the audit chain.

    Django notes a lone deletion with a save (the ``LogEntry`` receiver records it) and
    several with one bulk insert, which sends no signal: those are recorded here.
    """
    targets = [obj.pk for obj in queryset]
    # The deletions and their trace commit together.
    with transaction.atomic():
        response = actions.delete_selected(modeladmin, request, queryset)
        deleted = response is None and request.POST.get("post")
        if deleted and len(targets) > 1:
            content_type = ContentType.objects.get_for_model(
                modeladmin.model, for_concrete_model=False
            )
            for pk in targets:
                admin_change_record(
                    user=request.user,
                    content_type_id=content_type.pk,
                    object_id=pk,
                    action_flag=DELETION,
                )
    return response


admin.site.add_action(delete_selected, "delete_selected")
