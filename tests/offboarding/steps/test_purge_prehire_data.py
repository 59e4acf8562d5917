"""Step 5: the own network deleted, its consent kept as minimised evidence (RULES 19)."""

import pytest

from consent.models import ConsentEvent
from offboarding.models import PurgedEvidence
from prospects.models import Prospect
from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_deletes_the_own_network_in_batches_and_keeps_the_evidence(open_case, book, small_batches):
    own = book["own_network"]
    ConsentEvent.objects.create(
        prospect=own[0],
        channel="email",
        action="grant",
        evidence="form",
        occurred_at=own[0].collected_at,
    )
    assert batches(open_case, "purge_prehire_data") == ["running", "running", "done"]
    assert not Prospect.objects.filter(pk__in=[p.pk for p in own]).exists()
    # The contributed network stays (it went to the successor at step 3).
    assert Prospect.objects.filter(pk__in=[p.pk for p in book["contributed"]]).count() == 2
    [evidence] = PurgedEvidence.objects.filter(offboarding=open_case)
    assert (evidence.prospect_id, evidence.channel, evidence.action) == (
        own[0].pk,
        "email",
        "grant",
    )
    step = step_row(open_case, "purge_prehire_data")
    assert (step.counts["purged"], step.counts["evidence_kept"]) == (3, 1)


def test_a_record_contributed_meanwhile_is_not_deleted(open_case, book, small_batches):
    own = book["own_network"]
    Prospect.objects.filter(pk=own[0].pk).update(contributed=True)
    batches(open_case, "purge_prehire_data")
    assert Prospect.objects.filter(pk=own[0].pk).exists()
    assert step_row(open_case, "purge_prehire_data").counts["purged"] == 2
