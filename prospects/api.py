"""REST endpoints for prospects (API.md, "Prospects")."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import dates, wording
from people.models import Employee, Network, Role, SocialAccount
from people.permissions import role_required
from people.reads import ReadAuditedListMixin
from people.selectors import employee_of
from prospects import rules, selectors, services
from prospects.models import (
    Kind,
    Language,
    LawfulBasis,
    Prospect,
    Provenance,
    ValueHistory,
    Visibility,
)

# RULES 25: the categories a write's ``notes_warning`` may name.
SPECIAL_CATEGORIES = list(settings.NOTES_SPECIAL_CATEGORY_TERMS)
PROSPECT_FIELDS = [
    "id",
    "full_name",
    "company",
    "job_title",
    "kind",
    "email",
    "phone",
    "profile_url",
    "network",
    "provenance",
    "source",
    "collected_at",
    "owner",
    "social_account",
    "lawful_basis",
    "contributed",
    "notes",
    "created_at",
    "last_contact_at",
    "retention_until",
    "profile_visibility_at_collection",
    "notice_due_at",
    "language",
    "restricted_values",
]


class ProspectSerializer(serializers.ModelSerializer):
    # Only a contact coming from the prospect counts (RULES 18), hence the model's longer name.
    last_contact_at = serializers.DateTimeField(
        source="last_contact_from_prospect_at", allow_null=True, read_only=True
    )
    # Either may be unknown (""), which the schema must say for the answer to match it.
    network = serializers.ChoiceField(choices=Network.choices, allow_blank=True, read_only=True)
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices, allow_blank=True, read_only=True
    )
    restricted_values = serializers.SerializerMethodField(
        help_text="RULES 24: the values the person showed to their connections only (e.g. an "
        "e-mail from LinkedIn's Connections.csv). Not used for e-mail outreach under legitimate "
        "interest until the person consents or writes to us."
    )
    notes_warning = serializers.SerializerMethodField(
        help_text="RULES 25: special categories of data (GDPR art. 9–10) the notes seem to "
        "hold: " + ", ".join(SPECIAL_CATEGORIES) + ". A warning: a write that stores such "
        "notes is accepted and its answer names them; empty when none."
    )

    class Meta:
        model = Prospect
        fields = [*PROSPECT_FIELDS, "notes_warning"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=SPECIAL_CATEGORIES))
    )
    def get_notes_warning(self, prospect) -> list[str]:
        # The flag first: most notes hold nothing, and the words are matched only when set.
        return wording.special_categories(prospect.notes) if prospect.notes_flagged else []

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["email"])))
    def get_restricted_values(self, prospect) -> list[str]:
        return rules.restricted_values(
            email=prospect.email, email_restricted=prospect.email_restricted
        )


# The request half of the "Prospect" component: one name per choice set (kind, network…) in
# the schema, so the enums keep plain names.
@extend_schema_serializer(component_name="Prospect")
class ProspectInputSerializer(serializers.Serializer):
    """What a caller may write; the id, dates of our own and the indexes are not among it."""

    full_name = serializers.CharField(max_length=300)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, allow_null=True)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    profile_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True
    )
    network = serializers.ChoiceField(choices=Network.choices, required=False, allow_blank=True)
    provenance = serializers.ChoiceField(
        choices=Provenance.choices,
        required=False,
        help_text="Derived from collected_at and the owner's hire date when omitted.",
    )
    source = serializers.CharField(max_length=32, required=False)
    collected_at = serializers.DateTimeField(
        required=False,
        validators=[dates.in_past],
        help_text="Defaults to now; not before 1970, not in the future.",
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), required=False, help_text="Defaults to the caller."
    )
    social_account = serializers.PrimaryKeyRelatedField(
        queryset=SocialAccount.objects.all(), required=False, allow_null=True
    )
    lawful_basis = serializers.ChoiceField(
        choices=LawfulBasis.choices, required=False, allow_blank=True
    )
    contributed = serializers.BooleanField(required=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    profile_visibility_at_collection = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text="`restricted`: the person showed their contact details to their connections "
        "only; their e-mail is then restricted (RULES 24).",
    )
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The language of the information notice appended to messages (default fr).",
    )


class ProspectFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        help_text=(
            "An exact e-mail, phone or profile URL (its blind index alone); the first "
            "letters of words of the name (2 or more) or of the company (3 or more)."
        ),
    )
    provenance = serializers.ChoiceField(choices=Provenance.choices, required=False)
    network = serializers.ChoiceField(choices=Network.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices, required=False)
    owner = serializers.IntegerField(
        required=False,
        help_text="An employee id: the caller themself, a manager's team member; anyone for "
        "the DPO and admins. Another id → 400 naming owner.",
    )
    notice = serializers.ChoiceField(
        choices=list(selectors.NOTICE_FILTERS),
        required=False,
        help_text="Art. 14 notice not sent: overdue (its month is over) or due (still within it).",
    )
    retention = serializers.ChoiceField(
        choices=["due"],
        required=False,
        help_text=f"Retention ending within {selectors.RETENTION_DUE_DAYS} days, or ended.",
    )
    sort = serializers.ChoiceField(
        choices=list(selectors.LIST_SORTS),
        required=False,
        help_text="Newest first by default. Names are encrypted: they cannot be sorted.",
    )

    def validate_owner(self, value):
        owners = selectors.prospect_owners_filterable_by(self.context["request"].user)
        owner = owners.filter(pk=value).first()
        if owner is None:
            raise serializers.ValidationError("not an owner whose prospects you may list")
        return owner


class ValueHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ValueHistory
        fields = ["field", "provenance", "source", "recorded_at", "recorded_by"]
        read_only_fields = fields


RejectedSerializer = inline_serializer(
    "ProspectRejected",
    {
        "code": serializers.ChoiceField(choices=["opposition", "duplicate"]),
        "detail": serializers.CharField(),
        "existing": serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text="The existing prospect (duplicate), when the caller may see it.",
        ),
    },
)
ErrorSerializer = inline_serializer(
    "ProspectError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)
REJECTED = OpenApiResponse(
    RejectedSerializer,
    description="An identifier is on the suppression list, or is already a prospect's. "
    "Nothing is stored.",
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such prospect visible to the caller.")
INVALID = OpenApiResponse(description="Invalid fields: the body names each one.")

_REJECTION_DETAIL = {
    services.ProspectRejected.OPPOSITION: "this person objected to direct marketing",
    services.ProspectRejected.DUPLICATE: "this person is already a prospect",
}


def _conflict(user, exc: services.ProspectRejected) -> Response:
    body = {"code": exc.code, "detail": _REJECTION_DETAIL[exc.code]}
    if exc.code == services.ProspectRejected.DUPLICATE:
        existing = exc.existing
        # Naming a prospect the caller may not see would leak that the person is in the CRM.
        visible = (
            existing is not None
            and selectors.prospects_visible_to(user).filter(pk=existing.pk).exists()
        )
        body["existing"] = existing.pk if visible else None
    return Response(body, status=status.HTTP_409_CONFLICT)


def _editable(request, pk) -> Prospect:
    """The access helper for writes: 404 out of scope, 403 when only shared for reading."""
    prospect = selectors.prospect_get(user=request.user, pk=pk)
    if not selectors.prospect_editable_by(user=request.user, prospect=prospect):
        raise PermissionDenied("this prospect was shared with you for reading only")
    return prospect


class ProspectListCreate(ReadAuditedListMixin, generics.ListAPIView):
    """The prospects the caller may see; adding one for the caller or their team."""

    serializer_class = ProspectSerializer
    permission_classes = [
        IsAuthenticated,
        role_required(Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN, methods=("POST",)),
    ]
    # The filters are validated by ProspectFilterSerializer, not by django-filter.
    filter_backends = []
    queryset = Prospect.objects.none()

    def get_queryset(self):
        filters = ProspectFilterSerializer(
            data=self.request.query_params, context={"request": self.request}
        )
        filters.is_valid(raise_exception=True)
        self._filtered = any(
            value for name, value in filters.validated_data.items() if name != "sort"
        )
        return selectors.prospect_search(
            selectors.prospects_listed_for(self.request.user), **filters.validated_data
        )

    def listed_total(self) -> int | None:
        return selectors.prospects_listed_total(self.request.user, filtered=self._filtered)

    @extend_schema(parameters=[ProspectFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ProspectInputSerializer,
        responses={201: ProspectSerializer, 400: INVALID, 403: ErrorSerializer, 409: REJECTED},
    )
    def post(self, request):
        data = ProspectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner = values.pop("owner", None) or employee_of(request.user)
        if owner is None:
            raise ApiValidationError({"owner": ["name the employee who owns this prospect"]})
        try:
            prospect = services.prospect_create(actor=request.user, owner=owner, data=values)
        except services.ProspectRejected as exc:
            return _conflict(request.user, exc)
        return Response(ProspectSerializer(prospect).data, status=status.HTTP_201_CREATED)


class ProspectDetail(APIView):
    """One prospect: reading it, correcting or enriching it (``consent.api`` adds deleting it,
    which keeps its consent evidence)."""

    @extend_schema(responses={200: ProspectSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        prospect = selectors.prospect_get(user=request.user, pk=pk)
        return Response(ProspectSerializer(prospect).data)

    @extend_schema(
        request=ProspectInputSerializer,
        responses={
            200: ProspectSerializer,
            400: INVALID,
            403: ErrorSerializer,
            404: NOT_FOUND,
            409: REJECTED,
        },
    )
    def patch(self, request, pk):
        prospect = _editable(request, pk)
        data = ProspectInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            prospect = services.prospect_update(
                actor=request.user, prospect=prospect, data=data.validated_data
            )
        except services.ProspectRejected as exc:
            return _conflict(request.user, exc)
        return Response(ProspectSerializer(prospect).data)


class ProspectHistory(APIView):
    """Field-level provenance: which value was written when, by whom, under which provenance."""

    @extend_schema(responses={200: ValueHistorySerializer(many=True), 404: NOT_FOUND})
    def get(self, request, pk):
        prospect = selectors.prospect_get(user=request.user, pk=pk)
        entries = selectors.prospect_history(prospect=prospect)
        return Response(ValueHistorySerializer(entries, many=True).data)


class ShareSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="pk", read_only=True)
    username = serializers.CharField(read_only=True)


class ShareInputSerializer(serializers.Serializer):
    employee = serializers.IntegerField()


def _shareable(request, pk) -> Prospect:
    """404 out of scope; 403 for those who see the prospect but do not own it."""
    prospect = selectors.prospect_get(user=request.user, pk=pk)
    if not selectors.prospect_shareable_by(user=request.user, prospect=prospect):
        raise PermissionDenied("only the prospect's owner shares it")
    return prospect


def _colleague(request) -> Employee:
    data = ShareInputSerializer(data=request.data or request.query_params)
    data.is_valid(raise_exception=True)
    employee = (
        Employee.objects.select_related("user").filter(pk=data.validated_data["employee"]).first()
    )
    if employee is None:
        raise ApiValidationError({"employee": ["no such employee in the company"]})
    return employee


def _shares_body(prospect):
    return ShareSerializer(selectors.prospect_shared_with(prospect=prospect), many=True).data


class ProspectShares(APIView):
    """Who else sees the prospect (read only): the owner lists, adds and removes colleagues."""

    permission_classes = [IsAuthenticated, role_required(Role.REP, Role.MANAGER)]

    @extend_schema(
        responses={200: ShareSerializer(many=True), 403: ErrorSerializer, 404: NOT_FOUND}
    )
    def get(self, request, pk):
        return Response(_shares_body(_shareable(request, pk)))

    @extend_schema(
        request=ShareInputSerializer,
        responses={201: ShareSerializer, 400: INVALID, 403: ErrorSerializer, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        prospect = _shareable(request, pk)
        employee = _colleague(request)
        try:
            services.prospect_share(actor=request.user, prospect=prospect, with_employee=employee)
        except DjangoValidationError as exc:
            messages = getattr(exc, "message_dict", {}).get("with_employee") or exc.messages
            raise ApiValidationError({"employee": messages}) from None
        return Response(ShareSerializer(employee).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ShareInputSerializer,
        parameters=[OpenApiParameter("employee", int, required=False)],
        responses={204: None, 400: INVALID, 403: ErrorSerializer, 404: NOT_FOUND},
    )
    def delete(self, request, pk):
        prospect = _shareable(request, pk)
        employee = _colleague(request)
        services.prospect_unshare(actor=request.user, prospect=prospect, with_employee=employee)
        return Response(status=status.HTTP_204_NO_CONTENT)
