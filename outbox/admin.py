from django.contrib import admin

from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Task names and ids only: arguments are ids, never personal data."""

    list_display = ("id", "task_name", "created_at", "attempts", "sent_at", "last_error")
    list_filter = ("task_name",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
