"""REST endpoints: current charters, acknowledging one, recording training, compliance."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from charters import selectors, services
from charters.models import CharterVersion
from people.models import Employee, Role
from people.permissions import role_required
from people.selectors import employee_get, employee_of


class CharterVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="charter.kind")
    version = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    required = serializers.BooleanField(source="required_for_prospecting")

    def get_title(self, obj) -> str:
        return obj.title_in(translation.get_language())


class CharterList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CharterVersionSerializer(many=True)})
    def get(self, request):
        return Response(CharterVersionSerializer(selectors.current_versions(), many=True).data)


class AcknowledgementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(source="version_id")
    at = serializers.DateTimeField()
    via = serializers.CharField()


class CharterAcknowledge(APIView):
    """The caller acknowledges the charter version ``pk``; nobody acknowledges for another."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: AcknowledgementSerializer})
    def post(self, request, pk):
        employee = employee_of(request.user)
        if employee is None:
            raise PermissionDenied("only employees acknowledge charters")
        version = CharterVersion.objects.filter(pk=pk).first()
        if version is None:
            raise NotFound("no such charter version")
        try:
            acknowledgement, _ = services.charter_acknowledge(
                employee=employee, version=version, via="api"
            )
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(
            AcknowledgementSerializer(acknowledgement).data, status=status.HTTP_201_CREATED
        )


class TrainingInput(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    completed_at = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)


class TrainingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    employee = serializers.IntegerField(source="employee_id")
    completed_at = serializers.DateField()
    valid_until = serializers.DateField()


class TrainingCreate(APIView):
    permission_classes = [IsAuthenticated, role_required(Role.HR)]

    @extend_schema(request=TrainingInput, responses={201: TrainingOutput})
    def post(self, request):
        data = TrainingInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            training = services.training_record(actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(TrainingOutput(training).data, status=status.HTTP_201_CREATED)


class ComplianceSerializer(serializers.Serializer):
    charters_missing = serializers.ListField(child=serializers.CharField())
    training_valid_until = serializers.DateField(allow_null=True)
    can_prospect = serializers.BooleanField()


class EmployeeCompliance(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ComplianceSerializer})
    def get(self, request, pk):
        employee = employee_get(user=request.user, pk=pk)
        return Response(ComplianceSerializer(selectors.compliance_of(employee)).data)
