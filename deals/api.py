"""REST endpoints for deals concluded through social networks (RULES 23)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import in_past, in_range
from deals import selectors, services
from deals.models import Deal, DealStatus, Supply
from people.models import Network, Role
from people.permissions import role_required
from people.selectors import employee_of
from prospects.selectors import prospects_visible_to
from suppression.models import Channel

READERS = (Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN)
SELLERS = (Role.REP, Role.MANAGER)

INCOMPLETE = OpenApiResponse(
    response=inline_serializer(
        "DealIncomplete",
        {
            "code": serializers.CharField(),
            "missing": serializers.ListField(child=serializers.CharField()),
        },
    ),
    description="deal_incomplete: a consumer deal lacks the RULES 23 items named in `missing`",
)


class DealSerializer(serializers.ModelSerializer):
    # "" when the sale was not made through a network or channel.
    network = serializers.ChoiceField(
        choices=Deal._meta.get_field("network").choices, allow_blank=True, read_only=True
    )
    channel = serializers.ChoiceField(
        choices=Deal._meta.get_field("channel").choices, allow_blank=True, read_only=True
    )
    withdrawal_deadline = serializers.SerializerMethodField()
    withdrawal_extended = serializers.SerializerMethodField()
    missing_for_win = serializers.SerializerMethodField()

    class Meta:
        model = Deal
        fields = [
            "id",
            "prospect",
            "owner",
            "product",
            "supply",
            "amount",
            "currency",
            "network",
            "channel",
            "status",
            "stage",
            "concluded_on",
            "precontractual_info_on",
            "withdrawal_info_on",
            "delivery_on",
            "durable_medium_on",
            "opt_out_offered_at_sale",
            "notes",
            "created_at",
            "updated_at",
            "withdrawal_deadline",
            "withdrawal_extended",
            "missing_for_win",
        ]
        read_only_fields = fields

    def get_withdrawal_deadline(self, deal) -> str | None:
        withdrawal = selectors.withdrawal_of(deal)
        deadline = withdrawal and withdrawal["deadline"]
        return deadline.isoformat() if deadline else None

    def get_withdrawal_extended(self, deal) -> bool:
        withdrawal = selectors.withdrawal_of(deal)
        return bool(withdrawal and withdrawal["extended"])

    def get_missing_for_win(self, deal) -> list[str]:
        return selectors.missing_for_win(deal)


class DealUpdateSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=200, required=False)
    supply = serializers.ChoiceField(choices=Supply.choices, required=False)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    network = serializers.ChoiceField(choices=Network.choices, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    # A plain string in the request (one "status" enum in the schema, the Deal's).
    status = serializers.CharField(required=False, help_text="open | won | lost")
    # API.md v2: dates that describe the past, at most five minutes ahead; a delivery may
    # be planned (1970 … today + 10 years).
    concluded_on = serializers.DateField(required=False, allow_null=True, validators=[in_past])
    precontractual_info_on = serializers.DateField(
        required=False, allow_null=True, validators=[in_past]
    )
    withdrawal_info_on = serializers.DateField(
        required=False, allow_null=True, validators=[in_past]
    )
    delivery_on = serializers.DateField(required=False, allow_null=True, validators=[in_range])
    durable_medium_on = serializers.DateField(required=False, allow_null=True, validators=[in_past])
    # RULES 3: the customer's details were collected at this sale with the opt-out offered.
    opt_out_offered_at_sale = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate_status(self, value):
        if value not in DealStatus.values:
            raise serializers.ValidationError(f"one of {', '.join(DealStatus.values)}")
        return value


class DealCreateSerializer(DealUpdateSerializer):
    prospect = serializers.UUIDField()
    product = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class WinInputSerializer(serializers.Serializer):
    concluded_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[in_past]
    )


def _error_response(exc: DjangoValidationError) -> Response:
    if isinstance(exc, services.DealIncomplete):
        body = {"code": "deal_incomplete", "missing": exc.missing, **exc.message_dict}
    else:
        body = {"code": "invalid", **exc.message_dict}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _seller(request):
    employee = employee_of(request.user)
    if employee is None or not role_required(*SELLERS)().has_permission(request, None):
        raise PermissionDenied("only sales employees record deals")
    return employee


class DealFilter(django_filters.FilterSet):
    # A plain id, not a choice among every prospect: an id out of the caller's scope
    # answers like an unknown one (an empty list), never confirming that it exists.
    prospect = django_filters.UUIDFilter(field_name="prospect")

    class Meta:
        model = Deal
        fields = ["status", "prospect"]


class DealListCreate(generics.ListAPIView):
    """Deals on the prospects the caller sees; POST records one on a visible prospect."""

    serializer_class = DealSerializer
    permission_classes = [IsAuthenticated, role_required(*READERS)]
    queryset = Deal.objects.none()
    filterset_class = DealFilter

    def get_queryset(self):
        return selectors.deals_visible_to(self.request.user)

    @extend_schema(
        request=DealCreateSerializer,
        responses={
            201: DealSerializer,
            400: INCOMPLETE,
            404: OpenApiResponse(description="prospect not visible"),
        },
    )
    def post(self, request):
        owner = _seller(request)
        data = DealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        prospect = prospects_visible_to(request.user).filter(pk=values.pop("prospect")).first()
        if prospect is None:
            raise NotFound
        try:
            deal = services.deal_create(
                actor=request.user, owner=owner, prospect=prospect, data=values
            )
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(DealSerializer(deal).data, status=status.HTTP_201_CREATED)


class DealDetail(APIView):
    permission_classes = [IsAuthenticated, role_required(*READERS)]

    @extend_schema(responses={200: DealSerializer})
    def get(self, request, pk):
        return Response(DealSerializer(selectors.deal_get(user=request.user, pk=pk)).data)

    @extend_schema(request=DealUpdateSerializer, responses={200: DealSerializer, 400: INCOMPLETE})
    def patch(self, request, pk):
        deal = selectors.deal_get(user=request.user, pk=pk)
        _seller(request)
        if not selectors.may_change(request.user, deal):
            raise PermissionDenied("only the deal's owner and their manager change it")
        data = DealUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            deal = services.deal_update(actor=request.user, deal=deal, data=data.validated_data)
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(DealSerializer(deal).data)


class DealWin(APIView):
    """Mark the deal won; a consumer deal needs the RULES 23 items first (400 naming each)."""

    permission_classes = [IsAuthenticated, role_required(*READERS)]

    @extend_schema(request=WinInputSerializer, responses={200: DealSerializer, 400: INCOMPLETE})
    def post(self, request, pk):
        deal = selectors.deal_get(user=request.user, pk=pk)
        _seller(request)
        if not selectors.may_change(request.user, deal):
            raise PermissionDenied("only the deal's owner and their manager change it")
        data = WinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            deal = services.deal_win(
                actor=request.user, deal=deal, concluded_on=data.validated_data["concluded_on"]
            )
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(DealSerializer(deal).data)
