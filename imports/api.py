"""REST endpoints: start a LinkedIn connections import, follow its job."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from imports import selectors, services
from imports.models import JOB_REPORT_FIELDS, ImportJob

# A Connections.csv of 30,000 connections is about 3 MB.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class LinkedInUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Connections.csv as exported by LinkedIn")

    def validate_file(self, value):
        if value.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        return value


class ImportAcceptedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status_url = serializers.CharField()


class RejectedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="line number in the uploaded file")
    errors = serializers.DictField(child=serializers.CharField(), help_text="field → reason")


class ByProvenanceSerializer(serializers.Serializer):
    pre_hire = serializers.IntegerField()
    employment = serializers.IntegerField()


class ImportJobSerializer(serializers.ModelSerializer):
    rejected = RejectedRowSerializer(many=True)
    by_provenance = ByProvenanceSerializer()

    class Meta:
        model = ImportJob
        fields = ["id", *JOB_REPORT_FIELDS]
        read_only_fields = fields


class LinkedInImportCreate(APIView):
    """Import the caller's LinkedIn connections export in the background."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=LinkedInUploadSerializer, responses={202: ImportAcceptedSerializer})
    def post(self, request):
        owner = selectors.importer_of(request.user)
        data = LinkedInUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.linkedin_import_start(owner=owner, upload=data.validated_data["file"])
        body = {"id": job.pk, "status_url": reverse("api-import", args=[job.pk])}
        return Response(ImportAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class ImportJobDetail(APIView):
    """An import's progress and outcome: its owner and the DPO only (others get 404)."""

    @extend_schema(responses={200: ImportJobSerializer})
    def get(self, request, pk):
        job = selectors.import_job_get(user=request.user, pk=pk)
        return Response(ImportJobSerializer(job).data)
