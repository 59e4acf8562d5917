"""REST endpoints: an employee's onboarding checklist, and the rep's pre-hire contribution agreement."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from charters.api import AcknowledgementSerializer, TrainingInput, TrainingOutput
from charters.models import CharterVersion
from onboarding import selectors, services
from people.api import EmployeeCreateSerializer, EmployeeList, EmployeeSerializer
from people.models import Role
from people.permissions import role_required
from people.selectors import employee_of


class ChecklistItemOutput(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=["charters", "training", "social_accounts", "contribution_agreement"]
    )
    status = serializers.ChoiceField(
        choices=[selectors.DONE, selectors.PENDING, selectors.NOT_APPLICABLE]
    )
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    valid_until = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class ChecklistOutput(serializers.Serializer):
    employee = serializers.IntegerField(source="employee.pk")
    opened_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    complete = serializers.BooleanField()
    items = ChecklistItemOutput(many=True)


class EmployeeOnboarding(APIView):
    """The checklist of employee ``pk``: for themselves, HR and admins (anyone else: 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ChecklistOutput})
    def get(self, request, pk):
        employee = selectors.onboarding_employee_get(user=request.user, pk=pk)
        return Response(ChecklistOutput(selectors.checklist_of(employee)).data)


class ContributionInput(serializers.Serializer):
    prospect_ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, allow_empty=True, max_length=10_000
    )
    all = serializers.BooleanField(required=False, default=False)
    contribute = serializers.BooleanField()

    def validate(self, attrs):
        if attrs.get("all") and attrs.get("prospect_ids"):
            raise serializers.ValidationError(
                {"all": "give prospect_ids or all, not both"}, code="ambiguous"
            )
        if not attrs.get("all") and not attrs.get("prospect_ids"):
            raise serializers.ValidationError(
                {"prospect_ids": "choose at least one contact, or send all: true"},
                code="required",
            )
        return attrs


class ContributionOutput(serializers.Serializer):
    contribute = serializers.BooleanField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    decided_at = serializers.DateTimeField()


class ContributionSummary(serializers.Serializer):
    pre_hire_total = serializers.IntegerField()
    contributed = serializers.IntegerField()
    agreement_decided_at = serializers.DateTimeField(allow_null=True)
    locked = serializers.BooleanField()


class ProspectContribution(APIView):
    """The caller's pre-hire contribution agreement (PRODUCT §2): where it stands, and deciding.

    ``POST {prospect_ids | all: true, contribute}``: contribute the caller's own
    pre-hire contacts to the company, or take them back, until their departure
    starts (then 403 ``departure_started``).
    """

    permission_classes = [IsAuthenticated]

    def _employee(self, request):
        employee = employee_of(request.user)
        if employee is None:
            raise PermissionDenied("only employees have pre-hire contacts")
        return employee

    @extend_schema(responses={200: ContributionSummary})
    def get(self, request):
        employee = self._employee(request)
        checklist = selectors.checklist_of(employee)
        item = next((i for i in checklist.items if i.key == "contribution_agreement"), None)
        return Response(
            ContributionSummary(
                {
                    "pre_hire_total": item.total if item else 0,
                    "contributed": item.done if item else 0,
                    "agreement_decided_at": item.decided_at if item else None,
                    "locked": checklist.agreement_locked,
                }
            ).data
        )

    @extend_schema(request=ContributionInput, responses={200: ContributionOutput})
    def post(self, request):
        employee = self._employee(request)
        data = ContributionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.contribution_decide(
                employee=employee,
                contribute=data.validated_data["contribute"],
                prospect_ids=data.validated_data.get("prospect_ids"),
                all_pre_hire=data.validated_data["all"],
                via="api",
            )
        except services.ContributionLocked:
            raise PermissionDenied(
                detail="your departure has started: contribution decisions are final",
                code="departure_started",
            ) from None
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(ContributionOutput(result).data)


class EmployeeListCreate(EmployeeList):
    """The employees the caller may see. HR and administrators add one: the employee, with
    their onboarding checklist opened."""

    permission_classes = [IsAuthenticated, role_required(Role.HR, Role.ADMIN, methods=("POST",))]

    @extend_schema(request=EmployeeCreateSerializer, responses={201: EmployeeSerializer})
    def post(self, request, *args, **kwargs):
        data = EmployeeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # A service's ValidationError becomes a 400 naming each field (core.api);
        # a role the caller may not give (HR and dpo or admin), its PermissionDenied a 403.
        employee, _created = services.employee_hire(actor=request.user, **data.validated_data)
        return Response(EmployeeSerializer(employee).data, status=status.HTTP_201_CREATED)


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


class TrainingCreate(APIView):
    """HR records a training; it may complete the employee's onboarding checklist."""

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
