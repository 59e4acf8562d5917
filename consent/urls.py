from django.urls import path

from consent import notice_views, objection_views, views

urlpatterns = [
    path("o/<str:token>/", objection_views.objection, name="objection-link"),
    path("privacy/notice/", notice_views.public_notice, name="privacy-notice"),
    # Deleting a prospect keeps its consent evidence (services.prospect_delete).
    path("prospects/<uuid:pk>/delete/", views.prospect_delete, name="prospect-delete"),
    path("prospects/<uuid:pk>/contact/", views.contact_panel, name="contact-panel"),
    path("prospects/<uuid:pk>/contact/check/", views.contact_check, name="contact-check"),
    path("prospects/<uuid:pk>/contact/log/", views.contact_log, name="contact-log"),
    # Picks a text from the content library into the draft.
    path("prospects/<uuid:pk>/contact/pick/", views.contact_pick, name="contact-pick"),
    path("prospects/<uuid:pk>/contact/consent/", views.contact_consent, name="contact-consent"),
    path("prospects/<uuid:pk>/contact/object/", views.contact_object, name="contact-object"),
    path(
        "prospects/<uuid:pk>/contact/reply/<uuid:attempt_pk>/",
        views.contact_reply,
        name="contact-reply",
    ),
    path("privacy/suppression/", views.suppression_list, name="suppression-list"),
    path(
        "privacy/suppression/import/", views.suppression_list_import, name="suppression-list-import"
    ),
]
