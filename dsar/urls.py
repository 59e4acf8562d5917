from django.urls import path

from dsar import views

urlpatterns = [
    path("privacy/request/", views.public_request, name="dsar-public"),
    path("privacy/request/sent/", views.public_request_sent, name="dsar-public-sent"),
    path("privacy/request/verify/<str:token>/", views.public_verify, name="dsar-public-verify"),
    path("privacy/data/<str:token>/", views.public_download, name="dsar-download"),
    path("privacy/data/<str:token>/summary/", views.public_summary, name="dsar-summary"),
    path(
        "privacy/data/<str:token>/file/<str:fmt>/",
        views.public_download_file,
        name="dsar-download-file",
    ),
    path("dsar/", views.dsar_list, name="dsar-list"),
    path("dsar/new/", views.dsar_new, name="dsar-new"),
    path("dsar/attestations/", views.my_attestations, name="dsar-attestations"),
    path(
        "dsar/attestations/<uuid:pk>/confirm/",
        views.attestation_confirm,
        name="dsar-attestation-confirm",
    ),
    path("dsar/<uuid:pk>/", views.dsar_detail, name="dsar-detail"),
    path("dsar/<uuid:pk>/status/", views.dsar_status, name="dsar-status"),
    path("dsar/<uuid:pk>/export/<str:fmt>/", views.dsar_export, name="dsar-export"),
    path("dsar/<uuid:pk>/<str:action>/", views.dsar_action, name="dsar-action"),
]
