"""Step 1: the leaver is frozen (status "offboarding"), once."""

import pytest

from people.models import Employee
from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_the_leaver_is_frozen_and_a_rerun_changes_nothing(open_case, leaver):
    assert batches(open_case, "freeze_outreach") == ["done"]
    assert Employee.objects.get(pk=leaver.pk).status == "offboarding"
    assert step_row(open_case, "freeze_outreach").counts == {"status": "offboarding"}
    assert batches(open_case, "freeze_outreach") == ["done"]
    assert Employee.objects.get(pk=leaver.pk).status == "offboarding"
