from django.urls import path

from register import views

urlpatterns = [
    path("register/", views.register_page, name="register"),
    path("register/new/", views.activity_new, name="register-activity-new"),
    path("register/<int:pk>/edit/", views.activity_edit, name="register-activity-edit"),
]
