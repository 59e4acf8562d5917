from django.contrib import admin

from mail.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    # The state of delivery only: recipients and bodies stay out of the admin lists.
    list_display = ["kind", "status", "attempts", "last_response", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    fields = ["kind", "status", "attempts", "last_response", "message_id", "created_at", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
