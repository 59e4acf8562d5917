"""The LinkedIn import's pages, under /prospects/import/ where reps look for them."""

from django.urls import path

from imports import views as import_views

urlpatterns = [
    path("prospects/import/", import_views.linkedin_import, name="prospect-import"),
    path("prospects/import/<uuid:pk>/", import_views.import_job, name="import-job"),
    path(
        "prospects/import/<uuid:pk>/progress/",
        import_views.import_job_progress,
        name="import-job-progress",
    ),
    # The rows an import rejected, as CSV (line, the file's column, the reason).
    path(
        "prospects/import/<uuid:pk>/rejected.csv",
        import_views.import_job_rejected_csv,
        name="import-job-rejected-csv",
    ),
]
