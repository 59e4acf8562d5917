from django.urls import path

from deals import views

urlpatterns = [
    path("deals/", views.deal_list, name="deals"),
    path("deals/pipeline/", views.pipeline, name="pipeline"),
    path("deals/<int:pk>/", views.deal_detail, name="deal"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal-move"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/win/", views.deal_win, name="deal-win"),
    path("prospects/<uuid:prospect_pk>/deals/new/", views.deal_new, name="deal-new"),
]
