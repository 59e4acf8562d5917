"""Step 4: the employee's own network (pre-hire, not contributed) copied to their export,
pre-hire values only, batch by batch after the cursor."""

import datetime
import json

from django.conf import settings
from django.utils import timezone

from core.dates import PARIS
from offboarding.models import (
    ExportRow,
    Offboarding,
    OffboardingStep,
    StepStatus,
)
from offboarding.steps.batches import next_batch, own_network
from prospects.models import Prospect, Provenance, ValueHistory

# Fields of the employee's own contact that go into their export.
EXPORT_FIELDS = ("full_name", "company", "job_title", "email", "phone", "profile_url", "notes")


def export_days() -> int:
    return settings.OFFBOARDING_EXPORT_DAYS


def run(case: Offboarding, step: OffboardingStep) -> str:
    batch = next_batch(own_network(Prospect.objects.filter(owner=case.employee)), step)
    if not batch:
        if case.export_available_until is None:
            Offboarding.objects.filter(pk=case.pk).update(
                export_available_until=export_end(case, now=timezone.now())
            )
        return StepStatus.DONE
    prospects = Prospect.objects.filter(id__in=batch).only(
        "id", "network", "collected_at", *EXPORT_FIELDS
    )
    employment_fields = _employment_fields(batch)
    rows = []
    dropped = 0
    for prospect in prospects:
        skipped = employment_fields.get(prospect.pk, set())
        dropped += len(skipped)
        data = {
            field: getattr(prospect, field) or "" for field in EXPORT_FIELDS if field not in skipped
        }
        data["network"] = prospect.network
        data["connected_on"] = prospect.collected_at.date().isoformat()
        rows.append(ExportRow(offboarding=case, prospect_id=prospect.pk, data=json.dumps(data)))
    ExportRow.objects.bulk_create(rows, ignore_conflicts=True)
    step.cursor = str(batch[-1])
    step.done = ExportRow.objects.filter(offboarding=case).count()
    step.total = max(step.total, step.done)
    step.counts = {
        "exported": step.done,
        "employment_values_dropped": step.counts.get("employment_values_dropped", 0) + dropped,
    }
    return StepStatus.RUNNING


def export_end(case: Offboarding, *, now: datetime.datetime) -> datetime.datetime:
    """When the leaver's export closes: ``OFFBOARDING_EXPORT_DAYS`` from now, and never
    before the end of the attestation deadline (a Paris day), as the page promises."""
    end = now + datetime.timedelta(days=export_days())
    if case.attestation_deadline is not None:
        deadline_end = datetime.datetime.combine(
            case.attestation_deadline + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS
        )
        end = max(end, deadline_end)
    return end


def _employment_fields(ids) -> dict:
    """Per prospect, the fields whose current value was added during employment."""
    latest: dict = {}
    for prospect_id, field, provenance in (
        ValueHistory.objects.filter(prospect_id__in=ids)
        .order_by("prospect_id", "field", "recorded_at", "id")
        .values_list("prospect_id", "field", "provenance")
    ):
        latest[(prospect_id, field)] = provenance
    fields: dict = {}
    for (prospect_id, field), provenance in latest.items():
        if provenance != Provenance.PRE_HIRE:
            fields.setdefault(prospect_id, set()).add(field)
    return fields
