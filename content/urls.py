from django.urls import path

from content import views

urlpatterns = [
    path("content/", views.library, name="content-library"),
    path("content/new/", views.content_new, name="content-new"),
    path("content/queue/", views.approval_queue, name="content-queue"),
    path("content/share/", views.share, name="content-share"),
    path("content/share/<int:pk>/", views.share_record, name="content-share-record"),
    path("content/<int:pk>/", views.content_item, name="content-item"),
    path("content/<int:pk>/edit/", views.content_edit, name="content-edit"),
    path("content/<int:pk>/approve/", views.content_approve, name="content-approve"),
    path("content/<int:pk>/withdraw/", views.content_withdraw, name="content-withdraw"),
]
