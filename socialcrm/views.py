"""The API docs page under the Content-Security-Policy, where browsers report violations, and the
403 and 404 pages."""

import json
import logging
from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.decorators import method_decorator
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView

from core.api import api_not_found

logger = logging.getLogger("socialcrm.csp")

# How many reports arrived (all processes, in the cache): what an operator or a test reads.
REPORTS_COUNTED = "csp:reports"
_COUNT_SECONDS = 30 * 24 * 3600


# Swagger UI draws its icons as data: images; its start-up script is served as a file
# (the "split" view), its inline style carries the nonce (templates/drf_spectacular/).
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    pass


def csp_reports_received() -> int:
    return cache.get(REPORTS_COUNTED, 0)


def _reports(payload) -> list[dict]:
    """``report-uri`` sends {"csp-report": {...}}; the Reporting API a list of {"body": {...}}."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload
            if isinstance(item, dict) and isinstance(item.get("body"), dict)
        ]
    return []


def _origin(uri) -> str:
    """What was blocked, as its scheme and host only ("inline", "eval" as such)."""
    if not isinstance(uri, str) or not uri:
        return "-"
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.hostname or ''}"
    return (parts.scheme or uri)[:20]


def _page(uri) -> str:
    """The page, as its route name: paths hold record ids and tokens, queries what was searched."""
    if not isinstance(uri, str) or not uri:
        return "-"
    try:
        return resolve(urlsplit(uri).path).view_name or "-"
    except (Resolver404, ValueError):
        return "unknown page"


@csrf_exempt
@require_POST
def csp_report(request):
    """Counts the reports and logs the directive, what was blocked and the page; 204 (413 when too large).

    Neither the sample, nor the page's address with its ids and query, nor the referrer
    is logged: a report may quote what a person typed.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(settings.CSP_REPORT_MAX_BYTES + 1)
    if len(body) > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        reports = _reports(json.loads(body))
    except (ValueError, RecursionError):
        reports = []
    for report in reports:
        _count()
        logger.warning(
            "CSP violation: %s blocked %s on %s",
            str(
                report.get("effective-directive")
                or report.get("effectiveDirective")
                or report.get("violated-directive")
                or "-"
            )[:60],
            _origin(report.get("blocked-uri") or report.get("blockedURL")),
            _page(report.get("document-uri") or report.get("documentURL")),
        )
    return HttpResponse(status=204)


def _count() -> None:
    if not cache.add(REPORTS_COUNTED, 1, _COUNT_SECONDS):
        try:
            cache.incr(REPORTS_COUNTED)
        except ValueError:  # expired between add and incr
            cache.add(REPORTS_COUNTED, 1, _COUNT_SECONDS)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception):
    """``handler404``: the site's page with its navigation and a way home (templates/404.html).

    Under ``/api/`` a client gets the API's JSON 404 instead, whatever raised it.
    The page never repeats the address asked for: it may hold an e-mail or a name.
    """
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    """``handler403``: the site's page saying the action belongs to another role (templates/403.html);
    under ``/api/`` the API's JSON 403, as DRF words it."""
    if _is_api(request):
        return JsonResponse(
            {
                "detail": "You do not have permission to perform this action.",
                "code": "permission_denied",
            },
            status=403,
        )
    return defaults.permission_denied(request, exception)
