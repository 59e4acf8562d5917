"""The admin site for employees and logins: nobody gives there a role they could not give elsewhere.

A staff user who is not an administrator (an HR member given access to the site,
say) edits employees within the roles ``roles_grantable_by`` allows them, and does
not see logins or groups at all: from there anyone could make themselves a
superuser, grant themselves permissions or reset an administrator's password.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from people import services
from people.models import Employee, Role
from people.selectors import is_administrator, roles_grantable_by


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "status", "hire_date", "departure_date", "manager")
    list_filter = ("role", "status")
    search_fields = ("user__username",)
    fields = (
        "user",
        "role",
        "status",
        "hire_date",
        "departure_date",
        "manager",
        "work_days",
        "work_start",
        "work_end",
    )
    readonly_fields = ("user", "status")

    def has_add_permission(self, request):
        # An employee starts with a login and an onboarding checklist: the HR page, the API
        # or add_employee create both.
        return False

    def has_delete_permission(self, request, obj=None):
        # A departure goes through offboarding, which hands over the employee's prospects.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.role not in roles_grantable_by(request.user):
            fields.append("role")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            grantable = roles_grantable_by(request.user)
            kwargs["choices"] = [choice for choice in Role.choices if choice[0] in grantable]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "role" in form.changed_data:
            # The service checks the role against the one stored (still the old one here)
            # and keeps the login's staff and superuser flags in line with it.
            services.employee_upsert(actor=request.user, username=obj.username, role=obj.role)
        super().save_model(request, obj, form, change)


class AdministratorsOnly:
    """Logins and groups: shown to administrators alone."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class LoginAdmin(AdministratorsOnly, UserAdmin):
    pass


class LoginGroupAdmin(AdministratorsOnly, GroupAdmin):
    pass


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), LoginAdmin)
admin.site.unregister(Group)
admin.site.register(Group, LoginGroupAdmin)
