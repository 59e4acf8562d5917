"""REST endpoints: the register of processing and its CSV/JSON export (DPO, administrators)."""

import io
import json

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import csv
from people.models import Role
from people.permissions import role_required
from people.reads import EXPORTED, record_read
from register import selectors
from register.models import PROSE_FIELDS, ProcessingActivity

EXPORT_COLUMNS = [
    "id",
    "slug",
    *[f"name_{language}" for language in ("en", "fr")],
    "controller",
    "dpo_contact",
    *[f"{field}_{language}" for field in PROSE_FIELDS[1:] for language in ("en", "fr")],
    "created_at",
    "updated_at",
]


class ProcessingActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name_en = serializers.CharField()
    name_fr = serializers.CharField()
    controller = serializers.CharField()
    dpo_contact = serializers.CharField()
    purposes_en = serializers.CharField()
    purposes_fr = serializers.CharField()
    lawful_basis_en = serializers.CharField()
    lawful_basis_fr = serializers.CharField()
    data_subjects_en = serializers.CharField()
    data_subjects_fr = serializers.CharField()
    data_categories_en = serializers.CharField()
    data_categories_fr = serializers.CharField()
    sources_en = serializers.CharField(allow_blank=True)
    sources_fr = serializers.CharField(allow_blank=True)
    recipients_en = serializers.CharField()
    recipients_fr = serializers.CharField()
    transfers_en = serializers.CharField()
    transfers_fr = serializers.CharField()
    retention_en = serializers.CharField()
    retention_fr = serializers.CharField()
    security_measures_en = serializers.CharField()
    security_measures_fr = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RegisterList(APIView):
    """The art. 30 register: every processing activity, in English and French."""

    permission_classes = [IsAuthenticated, role_required(Role.DPO, Role.ADMIN)]

    @extend_schema(responses={200: ProcessingActivitySerializer(many=True)})
    def get(self, request):
        activities = selectors.processing_activities()
        return Response(ProcessingActivitySerializer(activities, many=True).data)


class ExportInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=["csv", "json"])


class IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the export's file format here, not a DRF renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RegisterExport(APIView):
    permission_classes = [IsAuthenticated, role_required(Role.DPO, Role.ADMIN)]
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["csv", "json"], required=True, description=""
            )
        ],
        responses={
            (200, "application/json"): ProcessingActivitySerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request):
        """The register as a file to download: ``format=csv`` (one row per activity) or ``json``."""
        given = ExportInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        rows = ProcessingActivitySerializer(selectors.processing_activities(), many=True).data
        stamp = timezone.localdate().isoformat()
        record_read(
            user=request.user,
            model=ProcessingActivity,
            ids=[row["id"] for row in rows],
            kind=EXPORTED,
        )
        if given.validated_data["format"] == "json":
            response = HttpResponse(
                json.dumps(rows, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
        else:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        extension = given.validated_data["format"]
        response["Content-Disposition"] = (
            f'attachment; filename="register-of-processing-{stamp}.{extension}"'
        )
        return response
