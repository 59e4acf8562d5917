from people.models import Role
from people.selectors import employee_of, role_of


def employee(request):
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "current_employee": employee_of(user),
        "current_role": role,
        # A superuser without an employee profile still has a role to show in the header.
        "current_role_label": Role(role).label if role else "",
    }
