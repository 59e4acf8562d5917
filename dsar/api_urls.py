from django.urls import path

from dsar import api

urlpatterns = [
    path("public/", api.PublicDsarCreate.as_view(), name="api-dsar-public"),
    path("", api.DsarListCreate.as_view(), name="api-dsars"),
    path("<uuid:pk>/", api.DsarDetail.as_view(), name="api-dsar"),
    path("<uuid:pk>/extend/", api.DsarExtend.as_view(), name="api-dsar-extend"),
    path("<uuid:pk>/verify/", api.DsarVerify.as_view(), name="api-dsar-verify"),
    path(
        "<uuid:pk>/identifiers/verify/",
        api.DsarVerifyIdentifiers.as_view(),
        name="api-dsar-verify-identifiers",
    ),
    path("<uuid:pk>/matches/", api.DsarMatches.as_view(), name="api-dsar-matches"),
    path(
        "<uuid:pk>/matches/confirm/",
        api.DsarConfirmMatches.as_view(),
        name="api-dsar-confirm-matches",
    ),
    path("<uuid:pk>/execute/", api.DsarExecute.as_view(), name="api-dsar-execute"),
    path("<uuid:pk>/reject/", api.DsarReject.as_view(), name="api-dsar-reject"),
    path("<uuid:pk>/export/", api.DsarExportDownload.as_view(), name="api-dsar-export"),
]
