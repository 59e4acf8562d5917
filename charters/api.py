"""REST endpoints: current charters, their versions, an employee's compliance.

Acknowledging a charter and recording a training are ``onboarding.api``'s (they may
complete the checklist)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from charters import selectors, services
from charters.models import CharterKind
from core.dates import in_past, in_range
from people.models import Employee, Role
from people.permissions import role_required
from people.selectors import employee_get


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


class TrainingInput(serializers.Serializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    completed_at = serializers.DateField(validators=[in_past])
    valid_until = serializers.DateField(required=False, allow_null=True, validators=[in_range])


class TrainingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    employee = serializers.IntegerField(source="employee_id")
    completed_at = serializers.DateField()
    valid_until = serializers.DateField()


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


class CharterVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="charter.kind")
    version = serializers.IntegerField()
    title_en = serializers.CharField()
    title_fr = serializers.CharField()
    effective_date = serializers.DateField()
    required = serializers.BooleanField(source="required_for_prospecting")
    staff_consulted_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(
        choices=[
            selectors.VersionStatus.CURRENT,
            selectors.VersionStatus.SCHEDULED,
            selectors.VersionStatus.SUPERSEDED,
        ]
    )
    acknowledgements = serializers.IntegerField(source="acknowledgement_count")


class CharterVersionInput(serializers.Serializer):
    title_en = serializers.CharField(max_length=200)
    title_fr = serializers.CharField(max_length=200)
    text_en = serializers.CharField()
    text_fr = serializers.CharField()
    effective_date = serializers.DateField(validators=[in_range])
    required = serializers.BooleanField()
    staff_consulted_on = serializers.DateField(
        required=False, allow_null=True, validators=[in_past]
    )


class CharterVersions(APIView):
    """``GET``: every version of one charter (anyone); ``POST``: publish the next one (HR, DPO)."""

    permission_classes = [
        IsAuthenticated,
        role_required(Role.HR, Role.DPO, methods=("POST",)),
    ]

    def _kind(self, kind: str) -> str:
        if kind not in CharterKind.values:
            raise NotFound("no such charter")
        return kind

    @extend_schema(responses={200: CharterVersionOutput(many=True)})
    def get(self, request, kind):
        versions = selectors.versions_of(kind=self._kind(kind))
        return Response(CharterVersionOutput(versions, many=True).data)

    @extend_schema(request=CharterVersionInput, responses={201: CharterVersionOutput})
    def post(self, request, kind):
        kind = self._kind(kind)
        data = CharterVersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["required_for_prospecting"] = fields.pop("required")
        try:
            version = services.charter_version_publish(actor=request.user, kind=kind, **fields)
        except DjangoValidationError as exc:
            raise ApiValidationError(_api_errors(exc.message_dict)) from None
        published = next(v for v in selectors.versions_of(kind=kind) if v.pk == version.pk)
        return Response(CharterVersionOutput(published).data, status=status.HTTP_201_CREATED)


def _api_errors(errors: dict) -> dict:
    """The service speaks of the model's field; the API calls it ``required``."""
    if "required_for_prospecting" in errors:
        errors["required"] = errors.pop("required_for_prospecting")
    return errors
