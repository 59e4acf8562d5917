from django.contrib import admin

from onboarding.models import ContributionDecision, Onboarding


@admin.register(Onboarding)
class OnboardingAdmin(admin.ModelAdmin):
    list_display = ["employee", "opened_at", "agreement_decided_at", "completed_at"]
    readonly_fields = ["employee", "opened_at", "opened_by", "agreement_decided_at", "completed_at"]


@admin.register(ContributionDecision)
class ContributionDecisionAdmin(admin.ModelAdmin):
    # Decisions are evidence; the admin shows them without personal data and changes nothing.
    list_display = ["employee", "prospect_ref", "contribute", "decided_at", "via"]
    list_filter = ["contribute", "via"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
