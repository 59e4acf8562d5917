"""REST endpoints: auth token, health, employees, social accounts."""

import logging

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, user_logged_in
from django.db import connection
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import lockout
from core.dates import in_range
from core.parsers import BoundedJSONParser
from people import selectors, services
from people.models import Employee, Network, Role, SocialAccount

logger = logging.getLogger(__name__)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        # A leaver past their departure date gets no token (RULES 12): the same answer as
        # a wrong password, so the endpoint does not tell who has left.
        employee = selectors.employee_of(user) if user is not None else None
        if user is None or (employee is not None and selectors.has_left(employee)):
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """Exchange a username and password for a new API token; revoke the token presented.

    Each exchange issues a new token, valid for ``API_TOKEN_TTL_DAYS``; earlier ones
    keep working until they expire or are revoked. Only the token's digest is stored.

    Failed attempts count towards the same lockout as the login page and the admin
    (``core.lockout``): once locked, 429 without checking the password.
    Successful exchanges are not limited: a script may fetch tokens for several
    users in a row.
    """

    throttle_classes = []
    # Scripts post forms as well as JSON, as they did to DRF's own token view.
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    def get_permissions(self):
        # Anyone may ask for a token; revoking one takes the token itself.
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        summary="Issue a new API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            429: OpenApiResponse(description="Too many attempts: try again later."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ApiValidationError:
            if lockout.is_refused(request):
                raise Throttled(detail=lockout.LOCKED_OUT_MESSAGE) from None
            raise
        user = serializer.validated_data["user"]
        # A sign-in like the login page's: the lockout clears the user's counters.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, expires_at = services.token_issue(user=user)
        return Response(TokenResponseSerializer({"token": token, "expires_at": expires_at}).data)

    @extend_schema(summary="Revoke the token presented", request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        if not isinstance(request.auth, AuthToken):
            # Signed in through a browser session: there is no token to revoke.
            raise NotAuthenticated(_("Present the API token to revoke."))
        services.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: inline_serializer(
                "Health",
                {
                    "status": serializers.CharField(),
                    "database": serializers.CharField(),
                    "broker": serializers.CharField(required=False),
                },
            ),
            503: inline_serializer("HealthDown", {"status": serializers.CharField()}),
        }
    )
    def get(self, request):
        body = {"status": "ok", "database": "ok"}
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            logger.exception("health check: database unreachable")
            return Response({"status": "error", "database": "error"}, status=503)
        if settings.REDIS_URL:
            body["broker"] = _broker_status()
        return Response(body)


def _broker_status() -> str:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return "unreachable"
    return "ok"


class EmployeeSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Employee
        fields = ["id", "username", "role", "status", "hire_date", "departure_date", "manager"]
        read_only_fields = fields


class EmployeeCreateSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    hire_date = serializers.DateField(required=False, validators=[in_range])
    manager = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), required=False, allow_null=True
    )
    # Judged by the password validators (AUTH_PASSWORD_VALIDATORS), in the service.
    password = serializers.CharField(write_only=True, required=False, trim_whitespace=False)

    def validate_username(self, value):
        # Any account, not only employees': creating never takes over an existing login.
        if get_user_model().objects.filter(username=value).exists():
            raise serializers.ValidationError("this username is taken")
        return value


class EmployeeList(generics.ListAPIView):
    """The employees the caller may see; ``onboarding.api.EmployeeListCreate`` adds the hire."""

    serializer_class = EmployeeSerializer

    def get_queryset(self):
        return selectors.employees_visible_to(self.request.user)


class EmployeeDetail(generics.RetrieveAPIView):
    serializer_class = EmployeeSerializer

    def get_object(self):
        return selectors.employee_get(user=self.request.user, pk=self.kwargs["pk"])


class SocialAccountSerializer(serializers.ModelSerializer):
    network = serializers.ChoiceField(choices=Network.choices)
    # Optional: null (or leaving it out) when the account has no public profile URL.
    profile_url = serializers.URLField(max_length=500, required=False, allow_null=True)

    class Meta:
        model = SocialAccount
        fields = ["id", "network", "handle", "profile_url"]

    def validate_profile_url(self, value):
        return value or ""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["profile_url"] = data["profile_url"] or None
        return data


class SocialAccountListCreate(generics.ListCreateAPIView):
    serializer_class = SocialAccountSerializer

    def get_queryset(self):
        return selectors.social_accounts_of(self.request.user)

    def create(self, request, *args, **kwargs):
        employee = selectors.employee_of(request.user)
        if employee is None:
            raise PermissionDenied("only employees register social accounts")
        data = SocialAccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.social_account_create(employee=employee, **data.validated_data)
        return Response(SocialAccountSerializer(account).data, status=status.HTTP_201_CREATED)
