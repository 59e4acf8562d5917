"""REST endpoints of outgoing webhooks (DPO, administrators).

The secret is write-only: it signs the deliveries and is never sent back.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination
from people.models import Role
from people.permissions import role_required
from webhooks import selectors, services
from webhooks.models import Event, WebhookDelivery

# Plain strings, not enums: "status" already names other choice sets in the schema.
DELIVERY_STATUS_HELP = "pending | delivered | failed"


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    include_personal_data = serializers.BooleanField()
    active = serializers.BooleanField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SubscriptionInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    secret = serializers.CharField(
        write_only=True,
        min_length=services.SECRET_MIN_LENGTH,
        max_length=200,
        trim_whitespace=False,
        help_text=(
            "Signs every delivery per Standard Webhooks: `whsec_` and a base64 key of 16+ "
            "bytes, or any 16+ characters, used as `whsec_` + base64 of them. "
            "Write-only: never returned."
        ),
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False
    )
    include_personal_data = serializers.BooleanField(default=False)
    active = serializers.BooleanField(default=True)


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    event = serializers.CharField()
    event_id = serializers.UUIDField()
    payload = serializers.JSONField(help_text="What was sent, without any personal values.")
    status = serializers.CharField(help_text=DELIVERY_STATUS_HELP)
    attempts = serializers.IntegerField()
    last_status_code = serializers.CharField(
        source="last_status_class",
        allow_null=True,
        help_text="The class of the last answer (1xx | 2xx | 3xx | 4xx | 5xx), never the code.",
    )
    last_error = serializers.CharField(
        source="last_failure",
        help_text=(
            "Why the last attempt got no answer: connection_error | refused_address | "
            "subscription_inactive; empty otherwise."
        ),
    )
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class WebhookListCreate(generics.ListAPIView):
    """Subscriptions of other systems to SocialCRM's events."""

    serializer_class = SubscriptionSerializer
    pagination_class = Pagination
    permission_classes = [IsAuthenticated, role_required(Role.DPO, Role.ADMIN)]

    def get_queryset(self):
        return selectors.subscriptions_visible_to(self.request.user)

    @extend_schema(request=SubscriptionInputSerializer, responses={201: SubscriptionSerializer})
    def post(self, request):
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(actor=request.user, **data.validated_data)
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)


class WebhookDetail(APIView):
    # Out of scope → 404 (selectors.subscription_get): an id never confirms it exists.
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SubscriptionSerializer})
    def get(self, request, pk):
        subscription = selectors.subscription_get(user=request.user, pk=pk)
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(request=SubscriptionInputSerializer, responses={200: SubscriptionSerializer})
    def patch(self, request, pk):
        subscription = selectors.subscription_get(user=request.user, pk=pk)
        data = SubscriptionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            actor=request.user, subscription=subscription, data=data.validated_data
        )
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        subscription = selectors.subscription_get(user=request.user, pk=pk)
        services.subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveries(generics.ListAPIView):
    """The delivery log of one subscription, newest first."""

    serializer_class = DeliverySerializer
    pagination_class = Pagination
    permission_classes = [IsAuthenticated]
    queryset = WebhookDelivery.objects.none()

    def get_queryset(self):
        subscription = selectors.subscription_get(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.deliveries_of(subscription)


class WebhookPing(APIView):
    """Send a ``ping`` event to this subscription now (signed like any delivery)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request, pk):
        subscription = selectors.subscription_get(user=request.user, pk=pk)
        delivery = services.ping(actor=request.user, subscription=subscription)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
