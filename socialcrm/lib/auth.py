"""API token authentication that knows about departures.

A token stops working on its employee's departure date (a Paris date, RULES 12),
whether or not anyone started the offboarding, not only when the user is
deactivated (DRF's own check) or when the hourly job deletes the token: in
between, a leaver keeps the attestation page alone, in the browser.
The employee comes in the token's own query, so authentication still costs one.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from people.selectors import employee_of, has_left


class EmployeeTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__employee").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        employee = employee_of(user)
        if employee is not None and has_left(employee):
            raise exceptions.AuthenticationFailed(
                _("This employee has left; the token is revoked.")
            )
        return user, token
