from django.urls import path

from charters import views

urlpatterns = [
    path("me/compliance/", views.my_compliance, name="my-compliance"),
    path("charters/", views.charter_publish, name="charter-publish"),
]
