"""API routes of offboarding, included under /api/ by socialcrm.urls."""

from django.urls import path

from offboarding import api

urlpatterns = [
    path("offboardings/", api.OffboardingCreate.as_view(), name="api-offboardings"),
    path("offboardings/<int:pk>/", api.OffboardingDetail.as_view(), name="api-offboarding"),
    path(
        "offboardings/<int:pk>/start/",
        api.OffboardingStart.as_view(),
        name="api-offboarding-start",
    ),
    path(
        "offboardings/<int:pk>/attestation/",
        api.OffboardingAttestation.as_view(),
        name="api-offboarding-attestation",
    ),
    path(
        "offboardings/<int:pk>/sign-off/",
        api.OffboardingSignOff.as_view(),
        name="api-offboarding-sign-off",
    ),
    path(
        "offboardings/<int:pk>/export/",
        api.OffboardingExport.as_view(),
        name="api-offboarding-export",
    ),
]
