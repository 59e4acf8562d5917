from people.selectors import employee_of, role_of


def employee(request):
    user = getattr(request, "user", None)
    return {"current_employee": employee_of(user), "current_role": role_of(user)}
