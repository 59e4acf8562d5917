"""REST endpoint: the DPO's provenance dashboard, the same figures as the /dpo/ page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard.selectors import NONE, provenance_dashboard
from people.models import Network, Role
from people.permissions import role_required
from prospects.models import LawfulBasis, Provenance
from suppression.models import Channel


def _counts(keys, name: str) -> type[serializers.Serializer]:
    """A ``{key: count}`` object with every key present (zero when nothing matches)."""
    fields = {key: serializers.IntegerField() for key in keys}
    return type(name, (serializers.Serializer,), fields)


class OwnerCountSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    username = serializers.CharField()
    count = serializers.IntegerField()


class ConsentCountSerializer(serializers.Serializer):
    opt_in = serializers.IntegerField()
    opt_out = serializers.IntegerField()


class RetentionCountsSerializer(serializers.Serializer):
    expiring_30_days = serializers.IntegerField()
    expired = serializers.IntegerField()
    retention_days = serializers.IntegerField()


class ReasonCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    count = serializers.IntegerField()


class OutreachDecisionCountsSerializer(serializers.Serializer):
    allowed = serializers.IntegerField()
    denied = serializers.IntegerField()
    top_denial_reasons = ReasonCountSerializer(many=True)


class DsarDeadlineCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    overdue = serializers.IntegerField()


ConsentByChannelSerializer = type(
    "ConsentByChannelSerializer",
    (serializers.Serializer,),
    {channel: ConsentCountSerializer() for channel in Channel.values},
)


class ProvenanceDashboardSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    total_prospects = serializers.IntegerField()
    by_provenance = _counts(Provenance.values, "ProvenanceCountsSerializer")()
    by_network = _counts([*Network.values, NONE], "NetworkCountsSerializer")()
    by_owner = OwnerCountSerializer(many=True)
    by_lawful_basis = _counts([*LawfulBasis.values, NONE], "LawfulBasisCountsSerializer")()
    consent_by_channel = ConsentByChannelSerializer()
    notice_overdue = serializers.IntegerField(
        help_text="Prospects whose art. 14 notice is past its due date and still not sent."
    )
    retention = RetentionCountsSerializer()
    suppression_list_size = serializers.IntegerField()
    consent_grants_without_wording = serializers.IntegerField(
        help_text="Consent grants recorded without the wording shown to the person "
        "(wording_shown empty). Since rules 2026.12 the gate treats such a grant as no grant."
    )
    flagged_notes = serializers.IntegerField(
        help_text="Prospects whose notes may hold special categories of data (RULES 25)."
    )
    outreach_last_30_days = OutreachDecisionCountsSerializer()
    dsar = DsarDeadlineCountsSerializer()
    offboardings_in_progress = serializers.IntegerField()


class ProvenanceDashboard(APIView):
    """Counts for the DPO: prospects by provenance, network, owner and lawful basis; consent
    per channel; overdue notices; expiring retention; suppression list; consent grants
    without proof of wording; notes flagged for special categories of data; outreach
    decisions of the last 30 days; DSAR deadlines; offboardings in progress. Never a
    prospect's data."""

    permission_classes = [IsAuthenticated, role_required(Role.DPO)]

    @extend_schema(responses={200: ProvenanceDashboardSerializer})
    def get(self, request):
        return Response(ProvenanceDashboardSerializer(provenance_dashboard()).data)
