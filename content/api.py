"""REST endpoints of the approved content library.

Reps read what is offered today (``GET /api/content/``); authors (managers, the DPO,
or the ``content.author_content`` permission) draft, revise, approve and withdraw.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from content import selectors, services
from content.models import ContentItem, ContentKind, ContentLanguage, ContentVersion
from core.dates import in_range
from people.models import Network
from people.selectors import employee_of
from suppression.models import Channel

# Plain strings, not enums: "kind" and "status" already name other choice sets in the schema.
KIND_HELP = "post | message"


class ContentFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContentKind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)


class MayRead(BasePermission):
    message = "your role does not give access to the content library"

    def has_permission(self, request, view):
        return selectors.may_read(request.user)


class IsAuthor(BasePermission):
    message = "only content authors (marketing, compliance) may do this"

    def has_permission(self, request, view):
        return selectors.is_author(request.user)


class ContentVersionSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number", read_only=True)
    kind = serializers.CharField(source="item.kind", read_only=True)
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)
    networks = serializers.ListField(child=serializers.CharField(), read_only=True)
    content_flags = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What the content check (RULES 17) finds in the text: reason codes "
        "(content_misleading, content_comparative, content_aggressive, content_disparaging).",
    )

    class Meta:
        model = ContentVersion
        fields = [
            "id",
            "item",
            "version",
            "kind",
            "title",
            "body",
            "language",
            "channels",
            "networks",
            "valid_from",
            "valid_until",
            "author",
            "created_at",
            "approved_by",
            "approved_at",
            "content_flags",
            "approval_override_reason",
        ]
        read_only_fields = fields


class OfferedContentSerializer(serializers.Serializer):
    """One piece of content reps may use today: the item and its current approved version."""

    id = serializers.IntegerField(source="item_id")
    version = serializers.IntegerField(source="number")
    version_id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(source="item.kind", help_text=KIND_HELP)
    title = serializers.CharField()
    body = serializers.CharField()
    language = serializers.ChoiceField(choices=ContentLanguage.choices)
    channels = serializers.ListField(child=serializers.CharField())
    networks = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateField(validators=[in_range])
    valid_until = serializers.DateField(allow_null=True, validators=[in_range])
    approved_at = serializers.DateTimeField()


class ContentItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=KIND_HELP)
    status = serializers.CharField(
        help_text="pending | approved (offered today) | scheduled | expired | withdrawn"
    )
    created_by = serializers.IntegerField(source="created_by_id")
    created_at = serializers.DateTimeField()
    archived_at = serializers.DateTimeField(allow_null=True)
    current = ContentVersionSerializer(allow_null=True)
    versions = ContentVersionSerializer(many=True)


class ContentVersionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)
    language = serializers.ChoiceField(choices=ContentLanguage.choices)
    channels = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="messages: outreach channels (" + " ".join(Channel.values) + ")",
    )
    networks = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="posts: networks (" + " ".join(Network.values) + "); empty = any",
    )
    valid_from = serializers.DateField(validators=[in_range])
    valid_until = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[in_range]
    )


class ContentCreateInputSerializer(ContentVersionInputSerializer):
    kind = serializers.CharField(help_text=KIND_HELP)


class ApproveInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version the approver read; refused (400 superseded) if no longer the latest.",
    )
    approval_override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.OVERRIDE_REASON_MAX_LENGTH,
        help_text="Required when the content check flags the text (see content_flags): why "
        "you approve it anyway. Stored on the version and audited; else 400 content_flagged "
        "naming this field.",
    )


def _item_body(item: ContentItem, *, user) -> dict:
    versions = selectors.versions_of(item)
    author = selectors.is_author(user)
    return ContentItemSerializer(
        {
            "id": item.pk,
            "kind": item.kind,
            "status": selectors.status_of(item, versions),
            "created_by_id": item.created_by_id,
            "created_at": item.created_at,
            "archived_at": item.archived_at,
            "current": selectors.current_of(versions),
            # Drafts and history are for authors; reps see the approved text only.
            "versions": versions if author else [],
        }
    ).data


def _validation_response(exc: DjangoValidationError) -> Response:
    """400 with the field messages and a stable ``code`` (``superseded``, ``already_approved``…)."""
    if hasattr(exc, "error_dict"):
        codes = [e.code for errors in exc.error_dict.values() for e in errors if e.code]
        body = exc.message_dict
    else:
        codes = [exc.code] if getattr(exc, "code", None) else []
        body = {"detail": exc.messages}
    return Response({"code": codes[0] if codes else "invalid", **body}, status=400)


class ContentListCreate(generics.ListAPIView):
    """Content reps may use today (latest approved version, valid today); POST drafts one."""

    serializer_class = OfferedContentSerializer
    permission_classes = [IsAuthenticated, MayRead]
    queryset = ContentVersion.objects.none()
    filter_backends = []

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated(), IsAuthor()]
        return super().get_permissions()

    def get_queryset(self):
        given = ContentFilterSerializer(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        versions = selectors.offered_versions(kind=given.validated_data.get("kind"))
        channel = given.validated_data.get("channel")
        if channel:
            # In Python: JSON containment is not portable to the embedded SQLite default.
            return [v for v in versions if channel in v.channels]
        return versions

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", enum=ContentKind.values, required=False),
            OpenApiParameter("channel", enum=Channel.values, required=False),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ContentCreateInputSerializer,
        responses={201: ContentItemSerializer, 400: OpenApiResponse(description="invalid field")},
    )
    def post(self, request):
        data = ContentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            version = services.content_create(
                actor=request.user, author=employee_of(request.user), **data.validated_data
            )
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return Response(_item_body(version.item, user=request.user), status=201)


class ContentDetail(APIView):
    permission_classes = [IsAuthenticated, MayRead]

    @extend_schema(responses={200: ContentItemSerializer})
    def get(self, request, pk):
        item = selectors.item_get(user=request.user, pk=pk)
        return Response(_item_body(item, user=request.user))


def _author_item(request, pk) -> ContentItem:
    if employee_of(request.user) is None:
        raise PermissionDenied("only employees author content")
    return get_object_or_404(ContentItem, pk=pk)


class ContentRevise(APIView):
    """An edit: a new version, which needs approval again."""

    permission_classes = [IsAuthenticated, IsAuthor]

    @extend_schema(
        request=ContentVersionInputSerializer,
        responses={201: ContentVersionSerializer, 400: OpenApiResponse(description="invalid")},
    )
    def post(self, request, pk):
        item = _author_item(request, pk)
        data = ContentVersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            version = services.content_revise(
                actor=request.user,
                author=employee_of(request.user),
                item=item,
                **data.validated_data,
            )
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return Response(ContentVersionSerializer(version).data, status=201)


class ContentApprove(APIView):
    """Approve the latest version: another author than the one who wrote it (else 403)."""

    permission_classes = [IsAuthenticated, IsAuthor]

    @extend_schema(
        request=ApproveInputSerializer,
        responses={
            200: ContentVersionSerializer,
            400: OpenApiResponse(
                description="superseded, already_approved, withdrawn, or content_flagged "
                "(the text is flagged and approval_override_reason is missing)"
            ),
            403: OpenApiResponse(description="self_approval, or not an author"),
        },
    )
    def post(self, request, pk):
        item = _author_item(request, pk)
        data = ApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            version = services.content_approve(
                actor=request.user,
                approver=employee_of(request.user),
                item=item,
                number=data.validated_data["version"],
                override_reason=data.validated_data["approval_override_reason"],
            )
        except services.SelfApproval as exc:
            return Response(
                {"code": "self_approval", "detail": str(exc)}, status=status.HTTP_403_FORBIDDEN
            )
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return Response(ContentVersionSerializer(version).data)


class ContentWithdraw(APIView):
    permission_classes = [IsAuthenticated, IsAuthor]

    @extend_schema(request=None, responses={200: ContentItemSerializer})
    def post(self, request, pk):
        item = _author_item(request, pk)
        services.content_withdraw(actor=request.user, item=item)
        return Response(_item_body(item, user=request.user))


class ContentApprovalQueue(generics.ListAPIView):
    """Latest versions waiting for approval, oldest first (authors)."""

    serializer_class = ContentVersionSerializer
    permission_classes = [IsAuthenticated, IsAuthor]
    queryset = ContentVersion.objects.none()
    filter_backends = []

    def get_queryset(self):
        return selectors.approval_queue()
