from django.urls import path

from deals import views

urlpatterns = [
    path("deals/", views.deal_list, name="deals"),
    path("deals/<int:pk>/", views.deal_detail, name="deal"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/win/", views.deal_win, name="deal-win"),
    path("prospects/<uuid:prospect_pk>/deals/new/", views.deal_new, name="deal-new"),
]
