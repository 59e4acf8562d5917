from django.urls import path

from dashboard import views

urlpatterns = [
    path("dpo/", views.dpo_dashboard, name="dpo-dashboard"),
]
