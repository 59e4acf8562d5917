"""A page whose database or cache is lost answers 503, not 500."""

import sys

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from socialcrm.lib.api import (
    RETRY_AFTER_SECONDS,
    SERVICE_UNAVAILABLE,
    log_unavailable,
    unavailable_body,
)


class ServiceUnavailableMiddleware:
    """Turns a lost database or cache in a view into a 503 the browser (or a client) can retry.

    DRF views answer their own 503 (``socialcrm.lib.api.exception_handler``); this
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
