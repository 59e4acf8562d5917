from django.urls import path

from dashboard import home, views

urlpatterns = [
    path("", home.home, name="home"),
    path("dpo/", views.dpo_dashboard, name="dpo-dashboard"),
]
