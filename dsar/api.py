"""REST endpoints of data-subject requests (API.md, "DSAR and register")."""

import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import identifiers, urls
from core.api import Pagination
from core.client import ScopedRateThrottle
from core.dates import in_past
from dsar import exports, selectors, services
from dsar.models import (
    DataSubjectRequest,
    DsarExport,
    ExportFormat,
    MailPurpose,
    ReceivedVia,
    RequestType,
    Status,
    VerificationMethod,
)
from mail.models import MailStatus
from people.models import Role
from people.permissions import role_required
from people.reads import ReadAuditedListMixin
from prospects.models import Language

# The public form's size limits; anything longer is refused naming the field.
PUBLIC_LIMITS = {"full_name": 200, "email": 254, "phone": 64, "profile_url": 500, "message": 5000}


class DsarMailSerializer(serializers.Serializer):
    """A mail to the requester: queued until the mail server takes it (``sent``), or
    ``failed`` after the last attempt; ``last_response`` is the server's answer."""

    purpose = serializers.ChoiceField(choices=MailPurpose.choices)
    status = serializers.ChoiceField(source="mail.status", choices=MailStatus.choices)
    attempts = serializers.IntegerField(source="mail.attempts")
    last_response = serializers.CharField(source="mail.last_response")
    queued_at = serializers.DateTimeField(source="created_at")
    sent_at = serializers.DateTimeField(source="mail.sent_at", allow_null=True)


class DsarSerializer(serializers.ModelSerializer):
    # When the person's mail server took the extension / completion mail (None until then).
    extension_notified_at = serializers.DateTimeField(read_only=True, allow_null=True)
    completion_notified_at = serializers.DateTimeField(read_only=True, allow_null=True)
    mails = DsarMailSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()
    forwarded_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # "" until the request is verified one way or the other.
    verification_method = serializers.ChoiceField(
        choices=VerificationMethod.choices, allow_blank=True, read_only=True
    )
    complaint_information = serializers.SerializerMethodField()

    class Meta:
        model = DataSubjectRequest
        fields = [
            "id",
            "type",
            "status",
            "email",
            "phone",
            "profile_url",
            "full_name",
            "received_via",
            "received_at",
            "due_at",
            "overdue",
            "extended_at",
            "extension_months",
            "extension_reason",
            "extension_notified_at",
            "verified",
            "verification_method",
            "verified_at",
            "verified_identifiers",
            "matches_confirmed_at",
            "prospect_ids",
            "language",
            "execution",
            "executed_at",
            "completed_at",
            "rejected_at",
            "rejection_reason",
            "completion_notified_at",
            "complaint_information",
            "mails",
            "forwarded_by",
            "outcome",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_open and obj.due_at < timezone.now()

    def get_verified(self, obj) -> bool:
        return obj.verified_at is not None

    def get_complaint_information(self, obj) -> str | None:
        from dsar.rules import RIGHTS_STATEMENT

        return str(RIGHTS_STATEMENT) if obj.status == Status.REJECTED else None


class _IdentifiersMixin(serializers.Serializer):
    def validate(self, attrs):
        given = {
            key: value
            for key in identifiers.IDENTIFIER_TYPES
            if (value := (attrs.get(key) or "").strip())
        }
        if not given:
            raise ApiValidationError(
                {"identifier": ["give at least one of: email, phone, profile_url"]}
            )
        # Read here, before the public endpoint's throttle counts the request.
        errors = {}
        for key, value in given.items():
            if key == "profile_url":
                value = attrs[key] = urls.with_assumed_scheme(value)
                if not urls.is_http_url(value):
                    errors[key] = [str(urls.INVALID_MESSAGE)]
                    continue
            try:
                identifiers.normalise(key, value)
            except ValueError as exc:
                errors[key] = [str(exc)]
        if errors:
            raise ApiValidationError(errors)
        return attrs


class PublicDsarInputSerializer(_IdentifiersMixin):
    type = serializers.ChoiceField(choices=RequestType.choices)
    email = serializers.CharField(
        max_length=PUBLIC_LIMITS["email"], required=False, allow_blank=True
    )
    phone = serializers.CharField(
        max_length=PUBLIC_LIMITS["phone"], required=False, allow_blank=True
    )
    profile_url = serializers.CharField(
        max_length=PUBLIC_LIMITS["profile_url"], required=False, allow_blank=True
    )
    full_name = serializers.CharField(max_length=PUBLIC_LIMITS["full_name"])
    message = serializers.CharField(
        max_length=PUBLIC_LIMITS["message"], required=False, allow_blank=True
    )
    # The language we write to the person in. Default: the one the request's
    # Accept-Language names (as the form's pages), else French.
    language = serializers.ChoiceField(choices=Language.choices, required=False)


class DsarInputSerializer(_IdentifiersMixin):
    type = serializers.ChoiceField(choices=RequestType.choices)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    profile_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    received_via = serializers.ChoiceField(choices=ReceivedVia.choices)
    received_at = serializers.DateTimeField(required=False, validators=[in_past])
    # The language we write to the person in; French unless they wrote in English.
    language = serializers.ChoiceField(choices=Language.choices, required=False, default="fr")
    corrections = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ExtendSerializer(ReasonSerializer):
    months = serializers.IntegerField(min_value=1, max_value=2, required=False, default=2)


IDENTIFIER_CHOICES = ("email", "phone", "profile_url")


class VerifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    identifiers = serializers.ListField(
        child=serializers.ChoiceField(choices=IDENTIFIER_CHOICES),
        required=False,
        max_length=3,
        help_text="The identifier types checked. Default: every identifier of a request the "
        "DPO recorded; none of a public request (its e-mail is proven by the link).",
    )


class VerifyIdentifiersSerializer(serializers.Serializer):
    identifiers = serializers.ListField(
        child=serializers.ChoiceField(choices=IDENTIFIER_CHOICES), min_length=1, max_length=3
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ConfirmMatchesSerializer(serializers.Serializer):
    prospect_ids = serializers.ListField(child=serializers.UUIDField(), max_length=1000)


class MatchSerializer(serializers.Serializer):
    prospect = serializers.UUIDField(source="prospect.pk")
    matched_on = serializers.ListField(child=serializers.CharField())
    verified = serializers.BooleanField()
    shared = serializers.BooleanField()
    needs_confirmation = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    confirmed = serializers.BooleanField(allow_null=True)
    acted_on = serializers.BooleanField()


class ExecuteSerializer(serializers.Serializer):
    corrections = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False
    )


class PublicAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


CONFLICT = OpenApiResponse(
    description="The request's state does not allow this: `code` is `not_verified`, `closed`, "
    "`executing` or `matches_unconfirmed` (confirm the matches first)."
)
BAD_EXTENSION = OpenApiResponse(
    description="No reason, a second extension, or the first deadline has passed."
)


def _refused(exc: services.DsarRefused) -> Response:
    return Response({"code": exc.code, "detail": exc.detail}, status=status.HTTP_409_CONFLICT)


def _verify_url_builder(request):
    def build(token: str) -> str:
        return request.build_absolute_uri(reverse("dsar-public-verify", args=[token]))

    return build


class PublicDsarCreate(APIView):
    """A person's own request, without an account. Throttled; confirmed by an e-mailed link."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "dsar_public"

    def check_throttles(self, request):
        """Deferred to ``post``: only a valid request counts against the address's budget."""

    @extend_schema(
        request=PublicDsarInputSerializer,
        responses={202: PublicAcceptedSerializer},
        auth=[{}],
    )
    def post(self, request):
        data = PublicDsarInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        APIView.check_throttles(self, request)
        values = dict(data.validated_data)
        if "language" not in values:
            asked = request.META.get("HTTP_ACCEPT_LANGUAGE")
            values["language"] = getattr(request, "LANGUAGE_CODE", "fr") if asked else "fr"
        services.dsar_create(
            actor="public",
            received_via=ReceivedVia.PUBLIC_FORM,
            verify_url_builder=_verify_url_builder(request),
            **values,
        )
        # Nothing about the request or whether we know the person: the answer goes by e-mail.
        return Response(
            {"detail": "request received: confirm it with the link we e-mailed you"},
            status=status.HTTP_202_ACCEPTED,
        )


class DsarListCreate(ReadAuditedListMixin, generics.ListAPIView):
    """The DPO's queue (open first, the most overdue on top); anyone may forward a request
    received on their personal account (``received_via: employee_account``)."""

    serializer_class = DsarSerializer
    pagination_class = Pagination
    permission_classes = [IsAuthenticated, role_required(Role.DPO, Role.ADMIN, methods=("GET",))]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, required=False)
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wanted = self.request.query_params.get("status")
        if wanted and wanted not in Status.values:
            raise ApiValidationError({"status": [f"one of {', '.join(Status.values)}"]})
        return selectors.with_mails(selectors.dsar_list(user=self.request.user, status=wanted))

    @extend_schema(request=DsarInputSerializer, responses={201: DsarSerializer})
    def post(self, request):
        data = DsarInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not services.role_may_create(request.user, values["received_via"]):
            raise PermissionDenied(
                "only the DPO records requests; employees forward those received on their "
                "personal account (received_via: employee_account)"
            )
        if values["received_via"] == ReceivedVia.PUBLIC_FORM:
            raise ApiValidationError(
                {"received_via": ["public_form requests use /api/dsar/public/"]}
            )
        dsar = services.dsar_create(actor=request.user, **values)
        return Response(DsarSerializer(dsar).data, status=status.HTTP_201_CREATED)


class DsarDetail(generics.RetrieveAPIView):
    serializer_class = DsarSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return selectors.dsar_get(user=self.request.user, pk=self.kwargs["pk"])


class _DpoAction(APIView):
    permission_classes = [IsAuthenticated]

    def dsar(self, request, pk) -> DataSubjectRequest:
        # Out of scope → 404 before the role check: an id never confirms it exists.
        dsar = selectors.dsar_get(user=request.user, pk=pk)
        if not role_required(Role.DPO, Role.ADMIN)().has_permission(request, self):
            raise PermissionDenied("only the DPO acts on requests")
        return dsar


class DsarExtend(_DpoAction):
    @extend_schema(request=ExtendSerializer, responses={202: DsarSerializer, 400: BAD_EXTENSION})
    def post(self, request, pk):
        dsar = self.dsar(request, pk)
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dsar = services.dsar_extend(actor=request.user, dsar=dsar, **data.validated_data)
        return Response(DsarSerializer(dsar).data, status=status.HTTP_202_ACCEPTED)


class DsarVerify(_DpoAction):
    @extend_schema(request=VerifySerializer, responses={202: DsarSerializer, 409: CONFLICT})
    def post(self, request, pk):
        dsar = self.dsar(request, pk)
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dsar = services.dsar_verify(actor=request.user, dsar=dsar, **data.validated_data)
        except services.DsarRefused as exc:
            return _refused(exc)
        return Response(DsarSerializer(dsar).data, status=status.HTTP_202_ACCEPTED)


class DsarVerifyIdentifiers(_DpoAction):
    """The DPO verified a public request's other identifiers (a phone, a profile URL)."""

    @extend_schema(
        request=VerifyIdentifiersSerializer, responses={202: DsarSerializer, 409: CONFLICT}
    )
    def post(self, request, pk):
        dsar = self.dsar(request, pk)
        data = VerifyIdentifiersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dsar = services.dsar_verify_identifiers(
                actor=request.user, dsar=dsar, **data.validated_data
            )
        except services.DsarRefused as exc:
            return _refused(exc)
        return Response(DsarSerializer(dsar).data, status=status.HTTP_202_ACCEPTED)


class DsarMatches(_DpoAction):
    """RULES 22: each record holding one of the request's identifiers, and why it needs
    the DPO's confirmation (matched on no verified identifier, or on a shared one)."""

    @extend_schema(responses={200: MatchSerializer(many=True)})
    def get(self, request, pk):
        dsar = self.dsar(request, pk)
        return Response(MatchSerializer(selectors.dsar_match_review(dsar), many=True).data)


class DsarConfirmMatches(_DpoAction):
    """The DPO names the matched records that are the person's; the others are left out."""

    @extend_schema(
        request=ConfirmMatchesSerializer,
        responses={200: MatchSerializer(many=True), 409: CONFLICT},
    )
    def post(self, request, pk):
        dsar = self.dsar(request, pk)
        data = ConfirmMatchesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dsar = services.dsar_confirm_matches(
                actor=request.user, dsar=dsar, prospect_ids=data.validated_data["prospect_ids"]
            )
        except services.DsarRefused as exc:
            return _refused(exc)
        return Response(MatchSerializer(selectors.dsar_match_review(dsar), many=True).data)


class DsarExecute(_DpoAction):
    @extend_schema(request=ExecuteSerializer, responses={202: DsarSerializer, 409: CONFLICT})
    def post(self, request, pk):
        dsar = self.dsar(request, pk)
        data = ExecuteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dsar = services.dsar_execute(
                actor=request.user,
                dsar=dsar,
                corrections=data.validated_data.get("corrections"),
            )
        except services.DsarRefused as exc:
            return _refused(exc)
        return Response(DsarSerializer(dsar).data, status=status.HTTP_202_ACCEPTED)


class DsarReject(_DpoAction):
    @extend_schema(request=ReasonSerializer, responses={202: DsarSerializer, 409: CONFLICT})
    def post(self, request, pk):
        dsar = self.dsar(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dsar = services.dsar_reject(actor=request.user, dsar=dsar, **data.validated_data)
        except services.DsarRefused as exc:
            return _refused(exc)
        return Response(DsarSerializer(dsar).data, status=status.HTTP_202_ACCEPTED)


class DsarExportDownload(_DpoAction):
    """The access/portability bundle: JSON (default) or ``?format=zip`` (CSV files + JSON)."""

    # Errors answer JSON whatever ``format`` asks; the ZIP itself is a plain file response.
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=ExportFormat.values, required=False)
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/zip"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="`export_not_ready`: execute the request first."),
            410: OpenApiResponse(description="`export_expired`: the export was deleted."),
        },
    )
    def get(self, request, pk):
        dsar = self.dsar(request, pk)
        wanted = request.query_params.get("format") or ExportFormat.JSON
        if wanted not in ExportFormat.values:
            raise ApiValidationError({"format": ["json or zip"]})
        export = DsarExport.objects.filter(request=dsar, format=wanted).first()
        if export is None:
            return Response(
                {"code": "export_not_ready", "detail": "no export yet: execute the request"},
                status=status.HTTP_409_CONFLICT,
            )
        if export.deleted_at is not None or export.expires_at <= timezone.now():
            return Response(
                {"code": "export_expired", "detail": "the export is no longer available"},
                status=status.HTTP_410_GONE,
            )
        payload = exports.export_read(actor=request.user, export=export)
        if wanted == ExportFormat.JSON:
            return Response(json.loads(payload))
        response = HttpResponse(payload, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="dsar-{dsar.pk}.zip"'
        return response
