"""Step 8: the case's report, counts and ids only."""

import pytest

from offboarding.models import Offboarding
from tests.offboarding.steps.conftest import batches

pytestmark = pytest.mark.django_db


def test_the_report_says_what_moved_was_returned_and_purged(open_case, book, successor):
    for key in ("inventory", "transfer_data", "return_prehire_data", "purge_prehire_data"):
        batches(open_case, key)
    assert batches(open_case, "final_report") == ["done"]
    report = Offboarding.objects.get(pk=open_case.pk).report
    assert report["transferred"] == {**report["transferred"], "prospects": 7, "to": successor.pk}
    assert report["returned"]["contacts"] == 3
    assert report["purged"]["prospects"] == 3
    assert report["attested"]["listed"] == 3
    # Counts and ids only: no name of any person.
    assert not any(p.full_name in str(report) for group in book.values() for p in group)
