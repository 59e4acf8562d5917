from django.contrib.auth import views as auth_views
from django.urls import path

from people import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/accounts/", views.social_accounts, name="social-accounts"),
    path("me/accounts/<int:pk>/edit/", views.social_account_edit, name="social-account-edit"),
    path("me/accounts/<int:pk>/remove/", views.social_account_remove, name="social-account-remove"),
]
