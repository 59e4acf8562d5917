"""Step 2: what the leaver holds, by fate, and the list they must attest."""

import pytest

from offboarding.models import AttestationItem
from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_counts_by_fate_and_the_later_steps_totals(open_case, book):
    assert batches(open_case, "inventory") == ["done"]
    counts = step_row(open_case, "inventory").counts
    assert counts["prospects"] == 10
    assert counts["by_provenance"] == {"pre_hire": 5, "employment": 3, "company": 2}
    assert (counts["pre_hire_contributed"], counts["pre_hire_not_contributed"]) == (2, 3)
    assert counts["to_transfer"] == 7
    # The company prospects found through the personal account (the network is theirs).
    assert counts["attestation_items"] == 3
    assert set(AttestationItem.objects.values_list("prospect_id", flat=True)) == {
        p.pk for p in book["employment"]
    }
    assert step_row(open_case, "transfer_data").total == 7
    assert step_row(open_case, "purge_prehire_data").total == 3


def test_a_second_inventory_lists_nothing_twice(open_case, book):
    batches(open_case, "inventory")
    batches(open_case, "inventory")
    assert AttestationItem.objects.count() == 3
