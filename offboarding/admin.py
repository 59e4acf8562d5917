from django.contrib import admin

from offboarding.models import Offboarding, OffboardingStep


class StepInline(admin.TabularInline):
    model = OffboardingStep
    fields = ("key", "status", "done", "total", "attempts", "error", "finished_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Offboarding)
class OffboardingAdmin(admin.ModelAdmin):
    """Counts and ids only: the export rows (personal data) are not shown here."""

    list_display = ("id", "employee", "successor", "departure_date", "status", "signed_off_at")
    list_filter = ("status",)
    fields = (
        "employee",
        "successor",
        "departure_date",
        "status",
        "attestation_deadline",
        "export_available_until",
        "started_at",
        "finished_at",
        "signed_off_by",
        "signed_off_at",
        "report",
    )
    readonly_fields = fields
    inlines = [StepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
