"""API token authentication (django-rest-knox) that knows about departures.

Knox keeps a SHA-512 digest of each token, never the token, and its expiry. On top of
knox's checks, a token stops working on its employee's departure date (a Paris date,
RULES 12), whether or not anyone started the offboarding, not only when the user is
deactivated or when the hourly job deletes the token: in between, a leaver keeps the
attestation page alone, in the browser.

The user and the employee come in the token's own query, so authentication still
costs one. Knox's own lookup also loads every other token of the user to delete the
expired ones; here an expired token is deleted when it is presented, and the daily
``people.tasks.delete_expired_tokens`` removes the others.
"""

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from rest_framework import exceptions

from people.selectors import employee_of, has_left


class EmployeeTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        invalid = exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, ValueError, binascii.Error):
            raise invalid from None
        candidates = (
            get_token_model()
            .objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user", "user__employee")
        )
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                auth_token.delete()
                raise invalid
            user = auth_token.user
            if not user.is_active:
                raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
            employee = employee_of(user)
            if employee is not None and has_left(employee):
                raise exceptions.AuthenticationFailed(
                    _("This employee has left; the token is revoked.")
                )
            return user, auth_token
        raise invalid


class EmployeeTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme: knox's, under the name clients already know."""

    target_class = EmployeeTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
