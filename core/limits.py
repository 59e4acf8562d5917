"""Refuse a request body that is too large from its Content-Length, before reading it.

Django only counts a body as it reads it, so a 200 MB upload to the LinkedIn import
would be received in full before the form refuses it. This middleware, first in the
list, answers 413 from the headers alone. A body sent without a Content-Length
(chunked) is read by Django as empty, so it cannot get round the check; JSON bodies
are further held to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` by the API's parser. gunicorn's
sync workers close the connection after the answer, so the unread body is never drained.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return _refusal(
                request, 400, _("The Content-Length header is not a number."), "bad_length"
            )
        if length > settings.MAX_REQUEST_BYTES:
            message = _("The request body is larger than %(size)d MB.") % {
                "size": settings.MAX_REQUEST_BYTES // (1024 * 1024)
            }
            return _refusal(request, 413, message, "too_large")
        return self.get_response(request)


def _refusal(request, status: int, message: str, code: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": code}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return response
