from django.urls import path

from dashboard import api

urlpatterns = [
    path("provenance/", api.ProvenanceDashboard.as_view(), name="api-dashboard-provenance"),
]
