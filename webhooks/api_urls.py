from django.urls import path

from webhooks import api

urlpatterns = [
    path("", api.WebhookListCreate.as_view(), name="api-webhooks"),
    path("<uuid:pk>/", api.WebhookDetail.as_view(), name="api-webhook"),
    path("<uuid:pk>/deliveries/", api.WebhookDeliveries.as_view(), name="api-webhook-deliveries"),
    path("<uuid:pk>/ping/", api.WebhookPing.as_view(), name="api-webhook-ping"),
]
