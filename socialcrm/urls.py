from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from charters import api as charters_api
from consent import api as consent_api
from core.api import api_not_found
from dashboard.audit_api import AuditEventList
from imports import api as imports_api
from onboarding import api as onboarding_api
from people import api as people_api
from prospects import api as prospects_api
from socialcrm.views import ApiDocsView, csp_report

api_patterns = [
    path("auth/token/", people_api.TokenView.as_view(), name="api-token"),
    path("health/", people_api.HealthView.as_view(), name="api-health"),
    path("employees/", onboarding_api.EmployeeListCreate.as_view(), name="api-employees"),
    path("employees/<int:pk>/", people_api.EmployeeDetail.as_view(), name="api-employee"),
    path(
        "social-accounts/", people_api.SocialAccountListCreate.as_view(), name="api-social-accounts"
    ),
    path("audit/", AuditEventList.as_view(), name="api-audit"),
    path("prospects/", prospects_api.ProspectListCreate.as_view(), name="api-prospects"),
    path("prospects/<uuid:pk>/", consent_api.ProspectDetail.as_view(), name="api-prospect"),
    path(
        "prospects/<uuid:pk>/history/",
        prospects_api.ProspectHistory.as_view(),
        name="api-prospect-history",
    ),
    path(
        "prospects/<uuid:pk>/shares/",
        prospects_api.ProspectShares.as_view(),
        name="api-prospect-shares",
    ),
    path(
        "prospects/<uuid:pk>/consents/",
        consent_api.ProspectConsents.as_view(),
        name="api-prospect-consents",
    ),
    path("consents/", consent_api.ConsentListCreate.as_view(), name="api-consents"),
    path("consents/<uuid:pk>/", consent_api.ConsentDetail.as_view(), name="api-consent"),
    path("oppositions/", consent_api.OppositionListCreate.as_view(), name="api-oppositions"),
    path("oppositions/check/", consent_api.OppositionCheck.as_view(), name="api-oppositions-check"),
    path("outreach/", consent_api.OutreachListCreate.as_view(), name="api-outreach"),
    path("outreach/check/", consent_api.OutreachCheck.as_view(), name="api-outreach-check"),
    path(
        "outreach/<uuid:pk>/reply/", consent_api.OutreachReply.as_view(), name="api-outreach-reply"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "imports/linkedin/",
        imports_api.LinkedInImportCreate.as_view(),
        name="api-imports-linkedin",
    ),
    path("imports/<uuid:pk>/", imports_api.ImportJobDetail.as_view(), name="api-import"),
    path("charters/", charters_api.CharterList.as_view(), name="api-charters"),
    path(
        "charters/<int:pk>/acknowledge/",
        onboarding_api.CharterAcknowledge.as_view(),
        name="api-charter-acknowledge",
    ),
    path(
        "charters/<str:kind>/versions/",
        charters_api.CharterVersions.as_view(),
        name="api-charter-versions",
    ),
    path("trainings/", onboarding_api.TrainingCreate.as_view(), name="api-trainings"),
    path(
        "employees/<int:pk>/compliance/",
        charters_api.EmployeeCompliance.as_view(),
        name="api-employee-compliance",
    ),
    path(
        "employees/<int:pk>/onboarding/",
        onboarding_api.EmployeeOnboarding.as_view(),
        name="api-employee-onboarding",
    ),
    path(
        "prospects/contribution/",
        onboarding_api.ProspectContribution.as_view(),
        name="api-prospect-contribution",
    ),
    path("content/", include("content.api_urls")),
    path("deals/", include("deals.api_urls")),
    path("register/", include("register.api_urls")),
    path("dashboard/", include("dashboard.api_urls")),
    path("dsar/", include("dsar.api_urls")),
    path("webhooks/", include("webhooks.api_urls")),
    path("", include("offboarding.api_urls")),
    re_path(r"^[\s\S]*$", api_not_found),  # any path, newlines included, answers JSON
]

# What fails before a view (the session, a middleware) and is a lost database or cache
# answers 503 like the views do (socialcrm.middleware).
handler500 = "socialcrm.middleware.server_error"
# A missing or forbidden page keeps the site's header and a way back; /api/ keeps its JSON.
handler403 = "socialcrm.views.permission_denied"
handler404 = "socialcrm.views.page_not_found"

urlpatterns = [
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("csp-report/", csp_report, name="csp-report"),
    path("admin/", admin.site.urls),
    path("", include("consent.urls")),
    path("", include("imports.urls")),
    path("", include("prospects.urls")),
    path("", include("people.urls")),
    path("", include("charters.urls")),
    path("", include("onboarding.urls")),
    path("", include("content.urls")),
    path("", include("deals.urls")),
    path("", include("register.urls")),
    path("", include("dashboard.urls")),
    path("", include("offboarding.urls")),
    path("", include("dsar.urls")),
    path("", include("webhooks.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
