import json

import django_filters
from django.db.models import Q
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from audit.models import AuditEvent
from audit.selectors import audit_events_visible_to
from people.models import Role
from people.permissions import role_required


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "fields",
            "record_ids",
        ]
        read_only_fields = fields


class AuditEventFilter(django_filters.FilterSet):
    record = django_filters.CharFilter(
        method="filter_record",
        help_text="a record's id: the events about it and the list or export reads that showed it",
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor"]

    def filter_record(self, queryset, name, value):
        # The ids are stored as a JSON list of strings: match one whole, quoted element.
        return queryset.filter(Q(object_id=value) | Q(record_ids__icontains=json.dumps(value)))


class AuditEventList(generics.ListAPIView):
    """Who did what to which record, and when (DPO and administrators).

    Reads by the DPO and administrators are here too: ``personal_data.read`` (one
    record), ``personal_data.listed``, ``.searched`` and ``.exported`` (a page or an
    export: ``record_ids`` names the records on it, ``fields`` the filters used); and
    admin-site changes (``admin.added``, ``admin.changed``, ``admin.deleted``).
    """

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    permission_classes = [IsAuthenticated, role_required(Role.DPO, Role.ADMIN)]
    queryset = AuditEvent.objects.none()

    def get_queryset(self):
        return audit_events_visible_to(self.request.user).order_by("-id")
