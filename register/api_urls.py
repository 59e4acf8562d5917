from django.urls import path

from register import api

urlpatterns = [
    path("", api.RegisterList.as_view(), name="api-register"),
    path("export/", api.RegisterExport.as_view(), name="api-register-export"),
]
