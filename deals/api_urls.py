from django.urls import path

from deals import api

urlpatterns = [
    path("", api.DealListCreate.as_view(), name="api-deals"),
    path("<int:pk>/", api.DealDetail.as_view(), name="api-deal"),
    path("<int:pk>/win/", api.DealWin.as_view(), name="api-deal-win"),
]
