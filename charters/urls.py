from django.urls import path

from charters import views

urlpatterns = [
    path("me/compliance/", views.my_compliance, name="my-compliance"),
    path(
        "me/compliance/<int:pk>/acknowledge/",
        views.acknowledge,
        name="charter-acknowledge",
    ),
    path("hr/compliance/", views.team_compliance, name="team-compliance"),
    path("charters/", views.charter_publish, name="charter-publish"),
]
