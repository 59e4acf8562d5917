"""Shared pieces of the REST API: pagination, error shape, JSON 404 and 503."""

import datetime
import functools
import logging

import redis
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import fields, pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# The database dropped the connection or cannot be reached: the request stored nothing
# (services are atomic), so the client may simply try again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# The cache's Redis cannot be reached: the login and public-request throttles cannot count,
# so the request is refused (fail closed), as a 503 to retry rather than a 500.
CACHE_UNAVAILABLE = (redis.RedisError,)
SERVICE_UNAVAILABLE = DATABASE_UNAVAILABLE + CACHE_UNAVAILABLE
RETRY_AFTER_SECONDS = 30


class CountedPaginator(Paginator):
    """Django's paginator told the number of rows, where the caller knows it without a COUNT."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class Pagination(pagination.PageNumberPagination):
    """Page numbers, ``page_size`` up to 200.

    A view that knows its total without counting returns it from ``listed_total()``.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        listed_total = getattr(view, "listed_total", None)
        total = listed_total() if listed_total is not None else None
        if total is not None:
            self.django_paginator_class = functools.partial(CountedPaginator, count=total)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        """The requested page size, or 400 naming `page_size` (DRF would silently use the default)."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw or raw == [""]:
            return self.page_size
        try:
            (size,) = (int(value) for value in raw)
        except ValueError:
            raise ValidationError({"page_size": [_("Give one whole number.")]}) from None
        if not 1 <= size <= self.max_page_size:
            message = _("Between 1 and %(max)d.") % {"max": self.max_page_size}
            raise ValidationError({"page_size": [message]})
        return size


def _validation_body(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    body = {"non_field_errors": exc.messages, "detail": exc.messages[0]}
    if getattr(exc, "code", None):
        body["code"] = exc.code
    return body


def exception_handler(exc, context):
    """DRF's handler, with a stable ``code`` next to ``detail`` on non-field errors.

    A service's Django ValidationError becomes a 400 naming each field, so API
    views call services without translating their errors one by one. A lost
    database or cache becomes a 503 that says to try again, never a 500 with a trace.
    """
    if isinstance(exc, SERVICE_UNAVAILABLE):
        log_unavailable(exc)
        return Response(
            unavailable_body(),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(_validation_body(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data.setdefault("code", getattr(detail, "code", "error"))
    return response


def unavailable_body() -> dict:
    return {
        "detail": _("The service is temporarily unavailable. Try again in a moment."),
        "code": "unavailable",
    }


def log_unavailable(exc: Exception) -> None:
    # The class and SQLSTATE only: a driver's message may quote the statement's values.
    if isinstance(exc, CACHE_UNAVAILABLE):
        logger.warning("cache unavailable: %s", type(exc).__name__)
        return
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    logger.warning("database unavailable: %s (sqlstate %s)", type(exc).__name__, sqlstate)


# Earlier dates are nonsense here (a collection, a consent, a request), and some zones' old
# offsets (Paris before 1911: +00:09:21) cannot even be written as an RFC 3339 date-time.
EARLIEST_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def not_before_1970(value: datetime.datetime) -> None:
    """Validator for date-times a person or a system reports."""
    if value < EARLIEST_DATE:
        raise ValidationError(_("The date cannot be before 1970."))


@csrf_exempt  # answers 404 to every method; nothing to protect, and the answer stays JSON
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def refuse_non_string_text() -> None:
    """Every API text field refuses numbers and booleans instead of turning 0 into "0".

    DRF's CharField (and the e-mail, URL, slug and regex fields built on it)
    accepts any number; other systems must learn early that they sent the wrong
    type. Applied once at start-up so no serializer can forget it.
    """
    accepts_numbers = fields.CharField.to_internal_value
    if getattr(accepts_numbers, "strict", False):
        return

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return accepts_numbers(self, data)

    to_internal_value.strict = True
    fields.CharField.to_internal_value = to_internal_value
