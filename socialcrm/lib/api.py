"""Shared pieces of the REST API: pagination, error shape, JSON 404."""

from django.http import JsonResponse
from rest_framework import pagination
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """DRF's handler, with a stable ``code`` next to ``detail`` on non-field errors."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data.setdefault("code", getattr(detail, "code", "error"))
    return response


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
