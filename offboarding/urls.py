from django.urls import path

from offboarding import views

urlpatterns = [
    path("offboarding/", views.offboarding_list, name="offboardings"),
    path("offboarding/new/<int:employee_pk>/", views.offboarding_new, name="offboarding-new"),
    path("offboarding/<int:pk>/", views.offboarding_detail, name="offboarding"),
    path(
        "offboarding/<int:pk>/progress/",
        views.offboarding_progress,
        name="offboarding-progress",
    ),
    path("offboarding/<int:pk>/resume/", views.offboarding_resume, name="offboarding-resume"),
    path(
        "offboarding/<int:pk>/attestation/",
        views.offboarding_attestation,
        name="offboarding-attestation",
    ),
    path("offboarding/<int:pk>/report/", views.offboarding_report, name="offboarding-report"),
    path("offboarding/<int:pk>/sign-off/", views.offboarding_sign_off, name="offboarding-sign-off"),
    path("offboarding/<int:pk>/export/", views.offboarding_export, name="offboarding-export"),
]
