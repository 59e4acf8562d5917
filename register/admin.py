from django.contrib import admin

from register.models import ProcessingActivity


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin):
    list_display = ["name_en", "slug", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
