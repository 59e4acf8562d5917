from django.urls import path

from content import api

urlpatterns = [
    path("", api.ContentListCreate.as_view(), name="api-content"),
    path("pending/", api.ContentApprovalQueue.as_view(), name="api-content-pending"),
    path("<int:pk>/", api.ContentDetail.as_view(), name="api-content-item"),
    path("<int:pk>/versions/", api.ContentRevise.as_view(), name="api-content-revise"),
    path("<int:pk>/approve/", api.ContentApprove.as_view(), name="api-content-approve"),
    path("<int:pk>/withdraw/", api.ContentWithdraw.as_view(), name="api-content-withdraw"),
]
