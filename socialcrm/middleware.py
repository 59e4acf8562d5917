"""Response headers every answer carries, and the 503 a page answers when a service is lost."""

import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from core.api import (
    RETRY_AFTER_SECONDS,
    SERVICE_UNAVAILABLE,
    log_unavailable,
    unavailable_body,
)


class ResponseHeadersMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: no-store`` on all but static files.

    Nearly every page and API answer carries personal data or an export, and the public
    pages echo what the person typed (their name, their e-mail): rather than sorting
    them one by one, nothing dynamic is kept by a browser or a shared cache. Static
    files (served by WhiteNoise inside this middleware) keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        if not request.path_info.startswith(self.static_prefix):
            response["Cache-Control"] = "no-store"
        return response


class ServiceUnavailableMiddleware:
    """Turns a lost database or cache in a view into a 503 the browser (or a client) can retry.

    DRF views answer their own 503 (``core.api.exception_handler``); this
    covers the pages and any other view. What fails before any view runs (the
    session, a middleware reading the user) reaches ``server_error``, which answers
    the same 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SERVICE_UNAVAILABLE):
            return None
        return unavailable_response(request, exception)


def unavailable_response(request, exception) -> HttpResponse:
    log_unavailable(exception)
    if request.path_info.startswith("/api/"):
        response = JsonResponse(unavailable_body(), status=503)
    else:
        # Rendered without the request, so no context processor goes back to the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """``handler500``: the 503 above when a lost service is the cause, else Django's 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, SERVICE_UNAVAILABLE):
        return unavailable_response(request, exception)
    return defaults.server_error(request)
