from rest_framework.permissions import BasePermission

from people.selectors import has_role


def role_required(*roles: str, methods: tuple[str, ...] | None = None) -> type[BasePermission]:
    """A DRF permission: the caller's role is one of ``roles`` (for ``methods`` only, if given)."""

    class RoleRequired(BasePermission):
        message = "your role does not allow this"

        def has_permission(self, request, view):
            if methods is not None and request.method not in methods:
                return True
            return has_role(request.user, *roles)

    RoleRequired.__name__ = f"RoleRequired_{'_'.join(roles)}"
    return RoleRequired
