"""A page whose database connection is lost answers 503, not 500."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from socialcrm.lib.api import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    database_unavailable_body,
    log_database_unavailable,
)


class DatabaseUnavailableMiddleware:
    """Turns a lost database in a view into a 503 the browser (or a client) can retry.

    DRF views answer their own 503 (``socialcrm.lib.api.exception_handler``); this
    covers the pages and any other view. The page is rendered without the request,
    so no context processor goes back to the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        log_database_unavailable(exception)
        if request.path_info.startswith("/api/"):
            response = JsonResponse(database_unavailable_body(), status=503)
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
