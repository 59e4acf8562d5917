"""REST endpoints: consent events, the suppression list, and the outreach gate."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from consent import selectors, sending, services
from consent.facts import ProspectNotVisible
from consent.gate import SOCIAL_CHANNELS
from consent.models import (
    CallOutcome,
    ConsentAction,
    ConsentEvent,
    Decision,
    Evidence,
    OutreachAttempt,
)
from content import selectors as content_selectors
from core import crypto
from core.dates import in_past
from mail.models import MailStatus
from people.models import Role
from people.permissions import role_required
from people.reads import ReadAuditedListMixin
from people.selectors import employee_of, role_of
from prospects import api as prospects_api
from prospects.api import NOT_FOUND, ErrorSerializer
from prospects.selectors import prospect_editable_by, prospect_get, prospects_visible_to
from suppression.models import SCOPE_CHOICES, Channel, IdentifierType, Opposition, OppositionSource
from suppression.selectors import opposed_scopes

SALES_AND_PRIVACY = (Role.REP, Role.MANAGER, Role.DPO, Role.ADMIN)


class ConsentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentEvent
        fields = [
            "id",
            "prospect",
            "channel",
            "action",
            "evidence",
            "purpose",
            "proof",
            "wording_shown",
            "captured_by",
            "occurred_at",
            "recorded_at",
        ]
        read_only_fields = fields


class ConsentInputSerializer(serializers.Serializer):
    prospect = serializers.UUIDField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    action = serializers.ChoiceField(choices=ConsentAction.choices)
    evidence = serializers.ChoiceField(choices=Evidence.choices)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    proof = serializers.CharField(required=False, allow_blank=True, default="")
    wording_shown = serializers.CharField(required=False, allow_blank=True, default="")
    # RULES 2: never in the future (5 minutes of clock skew), never before 1970.
    occurred_at = serializers.DateTimeField(required=False, validators=[in_past])


def consent_events_visible_to(user):
    """Events of the prospects the caller sees; the DPO also reads those of removed
    records (RULES 19: ``prospect`` null), which no one else sees."""
    visible = Q(prospect__in=prospects_visible_to(user).values("pk"))
    if role_of(user) == Role.DPO:
        visible |= Q(prospect__isnull=True)
    return ConsentEvent.objects.filter(visible)


class ConsentListCreate(ReadAuditedListMixin, generics.ListAPIView):
    """Consent events of the prospects the caller sees; POST records one (immutable)."""

    serializer_class = ConsentEventSerializer
    permission_classes = [IsAuthenticated, role_required(*SALES_AND_PRIVACY)]
    queryset = ConsentEvent.objects.none()

    def get_queryset(self):
        return consent_events_visible_to(self.request.user).order_by("-recorded_at")

    @extend_schema(
        request=ConsentInputSerializer,
        responses={
            201: ConsentEventSerializer,
            400: OpenApiResponse(
                description="invalid field (a grant needs purpose and wording_shown), or "
                "invalid_consent_evidence (only web_form, written_reply, signed, recorded_call "
                "and sale grant)"
            ),
            404: OpenApiResponse(description="prospect not visible"),
        },
    )
    def post(self, request):
        data = ConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        prospect = prospect_get(user=request.user, pk=values.pop("prospect"))
        try:
            event = services.consent_record(
                actor=request.user,
                captured_by=employee_of(request.user),
                prospect=prospect,
                **values,
            )
        except services.InvalidConsentEvidence as exc:
            return Response(
                {"code": "invalid_consent_evidence", **exc.message_dict},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DjangoValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(ConsentEventSerializer(event).data, status=status.HTTP_201_CREATED)


class ConsentDetail(generics.RetrieveAPIView):
    """One consent event. Events are evidence: PUT, PATCH and DELETE answer 405."""

    serializer_class = ConsentEventSerializer
    permission_classes = [IsAuthenticated, role_required(*SALES_AND_PRIVACY)]
    queryset = ConsentEvent.objects.none()

    def get_object(self):
        return get_object_or_404(consent_events_visible_to(self.request.user), pk=self.kwargs["pk"])


class ProspectConsents(APIView):
    @extend_schema(
        responses=inline_serializer(
            "ProspectConsents",
            {
                "events": ConsentEventSerializer(many=True),
                "status": serializers.DictField(child=serializers.CharField(allow_null=True)),
            },
        )
    )
    def get(self, request, pk):
        prospect = prospect_get(user=request.user, pk=pk)
        events = list(prospect.consent_events.order_by("occurred_at", "recorded_at"))
        return Response(
            {
                "events": ConsentEventSerializer(events, many=True).data,
                "status": selectors.consent_status_by_channel(events),
            }
        )


class OppositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opposition
        # The identifier itself is never stored: only its keyed hash.
        fields = ["id", "identifier_type", "identifier_index", "scope", "source", "created_at"]
        read_only_fields = fields


class OppositionCreatedSerializer(OppositionSerializer):
    identifiers_suppressed = serializers.IntegerField(
        help_text="How many identifiers this objection put on the list: the one given and "
        "every one held on the records it matches (RULES 1)."
    )

    class Meta(OppositionSerializer.Meta):
        fields = [*OppositionSerializer.Meta.fields, "identifiers_suppressed"]
        read_only_fields = fields


class OppositionInputSerializer(serializers.Serializer):
    identifier_type = serializers.ChoiceField(choices=IdentifierType.choices)
    value = serializers.CharField(write_only=True)
    scope = serializers.ChoiceField(choices=SCOPE_CHOICES, default="all")
    source = serializers.ChoiceField(
        choices=OppositionSource.choices, default=OppositionSource.PROSPECT_REQUEST
    )

    def validate(self, attrs):
        try:
            crypto.blind_index(attrs["identifier_type"], attrs["value"])
        except ValueError as exc:
            raise serializers.ValidationError({"value": str(exc)}) from None
        return attrs


class OppositionListCreate(generics.ListAPIView):
    """The suppression list: anyone handling prospects registers; the DPO reads the hashes."""

    serializer_class = OppositionSerializer
    permission_classes = [
        IsAuthenticated,
        role_required(*SALES_AND_PRIVACY),
        role_required(Role.DPO, Role.ADMIN, methods=("GET", "HEAD")),
    ]
    queryset = Opposition.objects.none()

    def get_queryset(self):
        return Opposition.objects.order_by("-created_at")

    @extend_schema(
        request=OppositionInputSerializer,
        responses={201: OppositionCreatedSerializer},
    )
    def post(self, request):
        data = OppositionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # API.md: 201. Registering the same objection again is idempotent: same entry, same answer.
        objection = services.objection_register(actor=request.user, **data.validated_data)
        opposition = objection.opposition
        opposition.identifiers_suppressed = objection.identifiers_suppressed
        return Response(
            OppositionCreatedSerializer(opposition).data, status=status.HTTP_201_CREATED
        )


class OppositionCheckInput(serializers.Serializer):
    identifier_type = serializers.ChoiceField(choices=IdentifierType.choices)
    value = serializers.CharField()


class OppositionCheck(APIView):
    permission_classes = [IsAuthenticated, role_required(*SALES_AND_PRIVACY)]

    @extend_schema(
        request=OppositionCheckInput,
        responses=inline_serializer(
            "OppositionCheckResult",
            {
                "opposed": serializers.BooleanField(),
                "scopes": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def post(self, request):
        data = OppositionCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        kind, value = data.validated_data["identifier_type"], data.validated_data["value"]
        try:
            index = crypto.blind_index(kind, value)
        except ValueError as exc:
            raise serializers.ValidationError({"value": str(exc)}) from None
        scopes = sorted(opposed_scopes({kind: [index]}).get((kind, index), set()))
        return Response({"opposed": bool(scopes), "scopes": scopes})


class OutreachInputSerializer(serializers.Serializer):
    prospect = serializers.UUIDField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    content = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    social_account = serializers.IntegerField(required=False, allow_null=True)
    relates_to_profession = serializers.BooleanField(required=False, default=True)
    append_notice = serializers.BooleanField(required=False, default=True)
    analogous_products = serializers.BooleanField(
        required=False,
        default=False,
        help_text="RULES 3 soft opt-in: the message is about products like those this customer "
        "bought (a won deal); with the opt-out offered, no prior opt-in is needed.",
    )
    about_contract = serializers.BooleanField(
        required=False,
        default=False,
        help_text="RULES 7: the call is about this customer's contract in progress (a won "
        "deal); a consumer's prior consent to calls is then not needed.",
    )
    content_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="An approved library version (GET /api/content/ version_id). Sent word for "
        "word, it passes the content check; an empty content takes its text.",
    )
    outcome = serializers.ChoiceField(
        choices=CallOutcome.choices,
        required=False,
        default="",
        help_text="Phone calls only: how the call went. A refusal pauses calls to a consumer "
        "for PHONE_REFUSAL_PAUSE_DAYS (RULES 7).",
    )

    def validate(self, attrs):
        if attrs["outcome"] and attrs["channel"] != Channel.PHONE:
            raise serializers.ValidationError({"outcome": "only a phone call has an outcome"})
        if attrs["channel"] in SOCIAL_CHANNELS and attrs.get("social_account") is None:
            raise serializers.ValidationError(
                {"social_account": "name the social account this message goes through"}
            )
        version_id = attrs.pop("content_version", None)
        attrs["content_version"] = None
        if version_id is not None:
            version = content_selectors.offered_version_get(pk=version_id)
            if version is None:
                raise serializers.ValidationError(
                    {"content_version": "not approved content offered today"}
                )
            attrs["content_version"] = version
            if not attrs["content"].strip():
                attrs["content"] = version.body
        # Without content (optional in API.md) the gate decides on everything but the words:
        # consent, opposition, limits, hours; the notice is appended as usual.
        return attrs


class OutreachLogInputSerializer(OutreachInputSerializer):
    send = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The app sends this e-mail itself once the gate allows it (through the "
        "outbox and the SMTP server), instead of the rep sending it from their own mailbox. "
        "Only when the company turned OUTREACH_EMAIL_SENDING on, on the email channel, to a "
        "prospect with an e-mail address (400 naming send otherwise). A denied attempt "
        "sends nothing.",
    )
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="The sent e-mail's subject (default: a message from the company).",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["send"]:
            reason = sending.sending_refused(channel=attrs["channel"], prospect=None)
            if reason is not None:
                raise serializers.ValidationError({"send": reason})
        elif attrs["subject"].strip():
            raise serializers.ValidationError({"subject": "only a sent e-mail has a subject"})
        return attrs


DELIVERY_CHOICES = MailStatus.values


class DeliveryFields(serializers.Serializer):
    """How the e-mail the app sent for an attempt fared (null: the app sent nothing)."""

    delivery = serializers.SerializerMethodField(
        help_text="The e-mail the app sent for this attempt: queued, sent, failed (after its "
        "retries), or null when the app sent nothing (the rep sent it from elsewhere)."
    )
    delivery_response = serializers.SerializerMethodField(
        help_text="The mail server's last answer (e.g. '250 2.0.0 Ok' or '421 Try again "
        "later'), or null when the app sent nothing."
    )

    @extend_schema_field(
        serializers.ChoiceField(choices=DELIVERY_CHOICES, allow_null=True, read_only=True)
    )
    def get_delivery(self, attempt) -> str | None:
        return attempt.mail.status if attempt.mail_id else None

    @extend_schema_field(serializers.CharField(allow_null=True, read_only=True))
    def get_delivery_response(self, attempt) -> str | None:
        return attempt.mail.last_response if attempt.mail_id else None


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["block", "warn"])
    message = serializers.CharField()
    hint = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reasons = ReasonSerializer(many=True)
    rules_version = serializers.CharField()


class LoggedDecisionSerializer(DecisionSerializer):
    id = serializers.UUIDField()
    final_content = serializers.CharField()
    delivery = serializers.ChoiceField(
        choices=DELIVERY_CHOICES,
        allow_null=True,
        help_text="queued when the app is sending this e-mail (send: true), else null.",
    )


class OutreachSerializer(DeliveryFields, serializers.ModelSerializer):
    # "" on everything but a phone attempt.
    outcome = serializers.ChoiceField(
        choices=OutreachAttempt._meta.get_field("outcome").choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = OutreachAttempt
        fields = [
            "id",
            "prospect",
            "employee",
            "channel",
            "outcome",
            "decision",
            "reasons",
            "created_at",
            "replied_at",
            "delivery",
            "delivery_response",
        ]
        read_only_fields = fields


def _gate_inputs(request, serializer_class=OutreachInputSerializer):
    employee = employee_of(request.user)
    if employee is None:
        raise PermissionDenied("only employees contact prospects")
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    account_id = values.pop("social_account", None)
    account = None
    if account_id is not None:
        account = employee.social_accounts.filter(pk=account_id).first()
        if account is None:
            raise serializers.ValidationError(
                {"social_account": "not one of your registered accounts"}
            )
    return employee, values, account


class OutreachCheck(APIView):
    """What the gate would decide for this message, as it would be sent. Logs nothing."""

    permission_classes = [IsAuthenticated, role_required(Role.REP, Role.MANAGER)]

    @extend_schema(
        request=OutreachInputSerializer,
        responses={
            200: DecisionSerializer,
            400: OpenApiResponse(
                description=(
                    "notice_too_long: a connection request's note does not fit the network's "
                    "invitation once its short notice is appended ({code, content, limit, "
                    "length, short_notice}); note_too_long: the same without a notice"
                )
            ),
        },
    )
    def post(self, request):
        employee, values, account = _gate_inputs(request)
        values.pop("outcome")  # how a call went: logged with the attempt, no part of a check
        try:
            decision, _ = services.outreach_check(
                employee=employee,
                prospects=prospects_visible_to(request.user),
                prospect_id=values.pop("prospect"),
                social_account=account,
                **values,
            )
        except ProspectNotVisible:
            raise NotFound from None
        except services.NoteTooLong as exc:
            return Response(exc.as_body(), status=status.HTTP_400_BAD_REQUEST)
        return Response(decision.as_dict())


class OutreachFilter(django_filters.FilterSet):
    # A plain id, not a choice among every prospect: an id out of the caller's scope
    # answers like an unknown one (an empty list), never confirming that it exists.
    prospect = django_filters.UUIDFilter(field_name="prospect")

    class Meta:
        model = OutreachAttempt
        fields = ["channel", "decision", "prospect"]


class OutreachListCreate(ReadAuditedListMixin, generics.ListAPIView):
    """The caller's visible outreach log; POST runs the gate and logs the attempt."""

    serializer_class = OutreachSerializer
    queryset = OutreachAttempt.objects.none()
    filterset_class = OutreachFilter

    def get_queryset(self):
        return (
            selectors.outreach_visible_to(self.request.user)
            .select_related("mail")
            .order_by("-created_at")
        )

    @extend_schema(
        request=OutreachLogInputSerializer,
        responses={
            201: LoggedDecisionSerializer,
            400: OpenApiResponse(
                description="invalid field; send: sending e-mail from the app is off, the "
                "channel is not email, or the prospect has no e-mail address"
            ),
            403: LoggedDecisionSerializer,
        },
    )
    def post(self, request):
        if not role_required(Role.REP, Role.MANAGER)().has_permission(request, self):
            raise PermissionDenied("only sales employees log outreach")
        employee, values, account = _gate_inputs(request, OutreachLogInputSerializer)
        try:
            attempt = services.outreach_log(
                actor=request.user,
                employee=employee,
                prospects=prospects_visible_to(request.user),
                prospect_id=values.pop("prospect"),
                social_account=account,
                **values,
            )
        except ProspectNotVisible:
            raise NotFound from None
        except services.NoteTooLong as exc:
            return Response(exc.as_body(), status=status.HTTP_400_BAD_REQUEST)
        body = {
            "id": attempt.pk,
            **attempt.decision_detail.as_dict(),
            "final_content": attempt.final_content,
            "delivery": attempt.mail.status if attempt.mail_id else None,
        }
        allowed = attempt.decision_detail.allowed
        return Response(
            body, status=status.HTTP_201_CREATED if allowed else status.HTTP_403_FORBIDDEN
        )


class OutreachReply(APIView):
    """The prospect answered this message (RULES 10, 18): once per message, sent ones only."""

    @extend_schema(
        request=None,
        responses={
            200: OutreachSerializer,
            409: OpenApiResponse(
                response=inline_serializer("NotSent", {"code": serializers.CharField()}),
                description="not_sent: the gate denied this attempt, no message went out",
            ),
        },
    )
    def post(self, request, pk):
        attempt = get_object_or_404(selectors.outreach_visible_to(request.user), pk=pk)
        if not role_required(Role.REP, Role.MANAGER)().has_permission(request, self):
            raise PermissionDenied("only sales employees record replies")
        try:
            attempt = services.outreach_reply(actor=request.user, attempt=attempt)
        except services.OutreachNotSent:
            return Response({"code": "not_sent"}, status=status.HTTP_409_CONFLICT)
        return Response(OutreachSerializer(attempt).data)


class ProspectDetail(prospects_api.ProspectDetail):
    """One prospect: reading it, correcting or enriching it, deleting it."""

    @extend_schema(responses={204: None, 403: ErrorSerializer, 404: NOT_FOUND})
    def delete(self, request, pk):
        prospect = prospect_get(user=request.user, pk=pk)
        if not prospect_editable_by(user=request.user, prospect=prospect):
            raise PermissionDenied("this prospect was shared with you for reading only")
        # Its consent events and outreach log stay as evidence, without its values (RULES 19).
        services.prospect_delete(actor=request.user, prospect=prospect)
        return Response(status=status.HTTP_204_NO_CONTENT)
