"""Step 7: nothing before the departure date; then shares in batches, and the leaver departs."""

import pytest

from people.models import Employee
from prospects import services as prospect_services
from tests.factories import EmployeeFactory, ProspectFactory
from tests.offboarding.conftest import the_departure_day_comes
from tests.offboarding.steps.conftest import batches, step_row

pytestmark = pytest.mark.django_db


def test_waits_for_the_departure_date(open_case, leaver):
    assert batches(open_case, "revoke_access") == ["waiting"]
    assert step_row(open_case, "revoke_access").counts["access_ends_on"] == (
        open_case.departure_date.isoformat()
    )
    assert Employee.objects.get(pk=leaver.pk).status != "departed"


def test_on_the_day_shares_go_in_batches_then_the_leaver_departs(open_case, leaver, settings):
    settings.OFFBOARDING_BATCH_SIZE = 1
    colleague = EmployeeFactory(role="rep")
    for _ in range(2):
        prospect_services.prospect_share(
            actor=colleague.user, prospect=ProspectFactory(owner=colleague), with_employee=leaver
        )
    the_departure_day_comes(open_case)
    assert batches(open_case, "revoke_access") == ["running", "running", "done"]
    step = step_row(open_case, "revoke_access")
    assert step.counts["shares_removed"] == 2
    assert Employee.objects.get(pk=leaver.pk).status == "departed"
