"""Step 3: the records that stay go to the successor, batch by batch, each once."""

import pytest

from prospects.models import Prospect
from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_moves_what_stays_in_batches_and_never_the_own_network(
    open_case, book, successor, leaver, small_batches
):
    outcomes = batches(open_case, "transfer_data")
    # 7 records, 2 per batch: 4 batches that move something, then the one that finds none.
    assert outcomes == ["running"] * 4 + ["done"]
    step = step_row(open_case, "transfer_data")
    assert (step.done, step.counts["moved"], step.counts["successor"]) == (7, 7, successor.pk)
    stays = book["employment"] + book["company"] + book["contributed"]
    assert set(
        Prospect.objects.filter(pk__in=[p.pk for p in stays]).values_list("owner", flat=True)
    ) == {successor.pk}
    assert Prospect.objects.filter(owner=leaver).count() == 3


def test_a_batch_replayed_after_the_end_moves_nothing(open_case, book, small_batches):
    batches(open_case, "transfer_data")
    assert batches(open_case, "transfer_data") == ["done"]
    assert step_row(open_case, "transfer_data").counts["moved"] == 7
