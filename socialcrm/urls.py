from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from audit.api import AuditEventList
from people import api as people_api
from socialcrm.lib.api import api_not_found

api_patterns = [
    path("auth/token/", people_api.TokenView.as_view(), name="api-token"),
    path("health/", people_api.HealthView.as_view(), name="api-health"),
    path("employees/", people_api.EmployeeListCreate.as_view(), name="api-employees"),
    path("employees/<int:pk>/", people_api.EmployeeDetail.as_view(), name="api-employee"),
    path(
        "social-accounts/", people_api.SocialAccountListCreate.as_view(), name="api-social-accounts"
    ),
    path("audit/", AuditEventList.as_view(), name="api-audit"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("people.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
