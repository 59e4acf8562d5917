from django.urls import path

from webhooks import views

urlpatterns = [
    path("privacy/webhooks/", views.webhooks_page, name="webhooks"),
]
