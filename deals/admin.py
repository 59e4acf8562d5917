from django.contrib import admin

from deals.models import Deal


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["product", "amount", "currency", "status", "owner", "created_at"]
    list_filter = ["status", "network"]
    raw_id_fields = ["prospect", "owner"]
