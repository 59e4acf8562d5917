from django.urls import path

from prospects import followup_views, notice_views, views

urlpatterns = [
    path("prospects/new/", views.prospect_new, name="prospect-new"),
    path("prospects/bulk/", views.prospect_bulk, name="prospect-bulk"),
    path("prospects/filters/", views.saved_filter_save, name="prospect-filter-save"),
    path(
        "prospects/filters/<int:pk>/delete/",
        views.saved_filter_delete,
        name="prospect-filter-delete",
    ),
    path("prospects/<uuid:pk>/", views.prospect_detail, name="prospect"),
    path("prospects/<uuid:pk>/edit/", views.prospect_edit, name="prospect-edit"),
    path("prospects/<uuid:pk>/shares/", views.prospect_share, name="prospect-share"),
    path(
        "prospects/<uuid:pk>/shares/<int:employee_id>/remove/",
        views.prospect_unshare,
        name="prospect-unshare",
    ),
    # The art. 14 notice's actions: append to the next message, or mark sent by other means.
    path("prospects/<uuid:pk>/notice/", notice_views.notice_action, name="prospect-notice"),
    path(
        "prospects/<uuid:pk>/notice/mark-sent/",
        notice_views.notice_mark_sent,
        name="prospect-notice-mark-sent",
    ),
    path("prospects/<uuid:pk>/follow-ups/", followup_views.follow_up_add, name="follow-up-add"),
    path(
        "prospects/<uuid:pk>/follow-ups/<uuid:follow_up_pk>/done/",
        followup_views.follow_up_done,
        name="follow-up-done",
    ),
]
