"""REST endpoints of offboarding (API.md "Offboarding").

Counts and ids only, never a prospect's data, except the attestation list read
by the departing employee themself.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import csv
from core.dates import in_range
from offboarding import selectors, services
from offboarding.models import CaseStatus
from offboarding.steps.return_prehire_data import EXPORT_FIELDS
from people.models import Employee, Role
from people.permissions import role_required
from people.selectors import has_role


def _conflict(exc: services.OffboardingConflict) -> Response:
    return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)


def _invalid(exc: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class OffboardingCreateSerializer(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.select_related("user"))
    departure_date = serializers.DateField(
        validators=[in_range], help_text="may be past: a departure recorded late"
    )
    successor = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.select_related("user"))


class StepSerializer(serializers.Serializer):
    key = serializers.CharField()
    status = serializers.CharField(help_text="pending | running | done | failed | waiting")
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class OffboardingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = serializers.IntegerField(source="employee_id")
    successor = serializers.IntegerField(source="successor_id")
    departure_date = serializers.DateField()
    status = serializers.CharField(help_text="pending | running | waiting | done | failed")
    steps = StepSerializer(many=True, source="step_rows")
    report = serializers.JSONField()
    attestation_deadline = serializers.DateField(allow_null=True)
    export_available_until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)


def _case_body(case) -> dict:
    case.step_rows = selectors.steps_of(case)
    return OffboardingSerializer(case).data


class OffboardingCreate(APIView):
    """HR opens an offboarding case for an employee."""

    permission_classes = [IsAuthenticated, role_required(Role.HR)]

    @extend_schema(request=OffboardingCreateSerializer, responses={201: OffboardingSerializer})
    def post(self, request):
        data = OffboardingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = services.offboarding_create(actor=request.user, **data.validated_data)
        except services.OffboardingConflict as exc:
            return _conflict(exc)
        except DjangoValidationError as exc:
            raise _invalid(exc) from None
        return Response(_case_body(case), status=status.HTTP_201_CREATED)


class OffboardingDetail(APIView):
    """A case, its steps with progress, and the report (HR, DPO, admin, the employee)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OffboardingSerializer})
    def get(self, request, pk):
        case = selectors.offboarding_get(user=request.user, pk=pk)
        return Response(_case_body(case))


class OffboardingStart(APIView):
    """Start the checklist (HR); starting it again changes nothing, a failed step resumes."""

    permission_classes = [IsAuthenticated, role_required(Role.HR)]

    @extend_schema(request=None, responses={202: OffboardingSerializer})
    def post(self, request, pk):
        case = selectors.offboarding_get(user=request.user, pk=pk)
        if case.status == CaseStatus.FAILED:
            case = services.offboarding_resume(actor=request.user, offboarding=case)
        else:
            case = services.offboarding_start(actor=request.user, offboarding=case)
        return Response(_case_body(case), status=status.HTTP_202_ACCEPTED)


class AttestationItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="the prospect's id, as given in prospect_ids")
    prospect = serializers.UUIDField(help_text="the same id")
    social_account = serializers.IntegerField(allow_null=True)
    attested_at = serializers.DateTimeField(allow_null=True)
    full_name = serializers.CharField(required=False, help_text="the departing employee only")
    company = serializers.CharField(required=False, help_text="the departing employee only")
    network = serializers.CharField(required=False, help_text="the departing employee only")
    profile_url = serializers.CharField(required=False, help_text="the departing employee only")


class AttestationInputSerializer(serializers.Serializer):
    statement = serializers.CharField()
    prospect_ids = serializers.ListField(
        child=serializers.UUIDField(),
        allow_empty=False,
        max_length=100_000,
        help_text="exactly the listed prospects confirmed removed (several posts add up)",
    )
    signed_document = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="HR attesting for the employee: required",
    )


class AttestationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    statement = serializers.CharField()
    prospect_ids = serializers.ListField(child=serializers.UUIDField())
    attested_by = serializers.CharField(source="attested_by.get_username", allow_null=True)
    signed_document = serializers.CharField()
    created_at = serializers.DateTimeField()


class OffboardingAttestation(APIView):
    """The company prospects to remove from personal accounts, and the attestation of it."""

    permission_classes = [IsAuthenticated]

    def _case(self, request, pk):
        case = selectors.offboarding_get(user=request.user, pk=pk)
        is_employee = case.employee.user_id == request.user.pk
        if not (is_employee or has_role(request.user, Role.HR)):
            raise PermissionDenied("the departing employee or HR only")
        return case, is_employee

    @extend_schema(responses={200: AttestationItemSerializer(many=True)})
    def get(self, request, pk):
        case, is_employee = self._case(request, pk)
        rows = selectors.attestation_list(offboarding=case, with_names=is_employee)
        return Response(AttestationItemSerializer(rows, many=True).data)

    @extend_schema(request=AttestationInputSerializer, responses={201: AttestationSerializer})
    def post(self, request, pk):
        case, _is_employee = self._case(request, pk)
        data = AttestationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attestation = services.attestation_record(
                actor=request.user,
                offboarding=case,
                statement=data.validated_data["statement"],
                prospect_ids=data.validated_data["prospect_ids"],
                signed_document=data.validated_data.get("signed_document", ""),
            )
        except services.OffboardingConflict as exc:
            return _conflict(exc)
        except DjangoValidationError as exc:
            raise _invalid(exc) from None
        return Response(AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)


class OffboardingSignOff(APIView):
    """The DPO signs the final report off, once every step is done."""

    permission_classes = [IsAuthenticated, role_required(Role.DPO)]

    @extend_schema(request=None, responses={201: OffboardingSerializer})
    def post(self, request, pk):
        case = selectors.offboarding_get(user=request.user, pk=pk)
        try:
            case = services.offboarding_sign_off(actor=request.user, offboarding=case)
        except services.OffboardingConflict as exc:
            return _conflict(exc)
        return Response(_case_body(case), status=status.HTTP_201_CREATED)


class OffboardingExport(APIView):
    """The departing employee's own network as CSV, for them alone, while available (audited).

    Their own contacts are nobody else's business: HR and the DPO get 403 (API.md v2).
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk):
        case = selectors.offboarding_get(user=request.user, pk=pk)
        if case.employee.user_id != request.user.pk:
            raise PermissionDenied("the departing employee only")
        try:
            rows = services.export_download(actor=request.user, offboarding=case)
        except services.OffboardingConflict as exc:
            return _conflict(exc)
        return export_response(rows, case)


def export_response(rows, case) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contacts-{case.pk}.csv"'
    columns = (*EXPORT_FIELDS, "network", "connected_on")
    writer = csv.DictWriter(response, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return response
