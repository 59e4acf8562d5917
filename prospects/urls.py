from django.urls import path

from imports import views as import_views
from prospects import views

urlpatterns = [
    path("prospects/", views.prospect_list, name="prospects"),
    path("prospects/new/", views.prospect_new, name="prospect-new"),
    path("prospects/import/", import_views.linkedin_import, name="prospect-import"),
    path("prospects/import/<uuid:pk>/", import_views.import_job, name="import-job"),
    path(
        "prospects/import/<uuid:pk>/progress/",
        import_views.import_job_progress,
        name="import-job-progress",
    ),
    path("prospects/<uuid:pk>/", views.prospect_detail, name="prospect"),
    path("prospects/<uuid:pk>/edit/", views.prospect_edit, name="prospect-edit"),
    path("prospects/<uuid:pk>/delete/", views.prospect_delete, name="prospect-delete"),
    path("prospects/<uuid:pk>/shares/", views.prospect_share, name="prospect-share"),
    path(
        "prospects/<uuid:pk>/shares/<int:employee_id>/remove/",
        views.prospect_unshare,
        name="prospect-unshare",
    ),
]

from prospects import followup_views  # noqa: E402

urlpatterns += [
    path("prospects/<uuid:pk>/follow-ups/", followup_views.follow_up_add, name="follow-up-add"),
    path(
        "prospects/<uuid:pk>/follow-ups/<uuid:follow_up_pk>/done/",
        followup_views.follow_up_done,
        name="follow-up-done",
    ),
]
