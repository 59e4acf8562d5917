"""Step 4: the leaver's own network copied to their export, pre-hire values only."""

import json

import pytest
from django.utils import timezone

from offboarding.models import ExportRow, Offboarding
from prospects.models import ValueHistory
from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_exports_the_own_network_batch_by_batch_after_the_cursor(open_case, book, small_batches):
    own = book["own_network"]
    # A value added during employment to a pre-hire contact stays out of the export.
    ValueHistory.objects.create(
        prospect=own[0],
        field="company",
        provenance="employment",
        source="manual",
        recorded_at=timezone.now(),
    )
    outcomes = batches(open_case, "return_prehire_data")
    assert outcomes == ["running", "running", "done"]
    step = step_row(open_case, "return_prehire_data")
    assert step.cursor == str(max(p.pk for p in own))
    assert (step.done, step.counts["employment_values_dropped"]) == (3, 1)
    rows = {row.prospect_id: json.loads(row.data) for row in ExportRow.objects.all()}
    assert set(rows) == {p.pk for p in own}
    assert "company" not in rows[own[0].pk]
    assert rows[own[1].pk]["company"] == own[1].company
    # The export opens when the last batch is copied (its end: test_attestation.py).
    assert Offboarding.objects.get(pk=open_case.pk).export_available_until is not None
    # Run again: the cursor is past every row; nothing is copied twice.
    batches(open_case, "return_prehire_data")
    assert ExportRow.objects.count() == 3
