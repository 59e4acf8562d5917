"""Step 6: waits until every listed prospect is attested removed."""

import pytest
from django.utils import timezone

from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_waits_until_every_listed_prospect_is_attested(open_case, book):
    batches(open_case, "inventory")
    assert batches(open_case, "personal_account_attestation") == ["waiting"]
    step = step_row(open_case, "personal_account_attestation")
    assert (step.done, step.total) == (0, 3)
    items = open_case.attestation_items.order_by("prospect_id")
    items.filter(pk=items[0].pk).update(attested_at=timezone.now())
    assert batches(open_case, "personal_account_attestation") == ["waiting"]
    assert step_row(open_case, "personal_account_attestation").done == 1
    open_case.attestation_items.update(attested_at=timezone.now())
    assert batches(open_case, "personal_account_attestation") == ["done"]
