"""The steps' table names every step of the checklist, in the order cases run them."""

from offboarding.models import STEP_ORDER
from offboarding.steps import STEPS


def test_the_table_names_every_step_in_the_checklist_order():
    assert tuple(STEPS) == STEP_ORDER
    assert all(callable(run) for run in STEPS.values())
