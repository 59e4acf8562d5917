"""Running one step of a case directly, batch by batch, as ``services.step_run`` does."""

import pytest

from offboarding.models import Offboarding, OffboardingStep
from offboarding.steps import STEPS


def batches(case: Offboarding, key: str, *, limit: int = 50) -> list[str]:
    """Run the step ``key`` of ``case`` until it stops saying ``running``; each batch's status.

    Each batch is saved like ``step_run`` saves it (cursor, counts), and the case re-read,
    so what a batch leaves is what the next one starts from.
    """
    outcomes = []
    for _ in range(limit):
        case = Offboarding.objects.select_related("employee__user", "successor__user").get(
            pk=case.pk
        )
        step = OffboardingStep.objects.get(offboarding=case, key=key)
        outcome = STEPS[key](case, step)
        step.save()
        outcomes.append(outcome)
        if outcome != "running":
            return outcomes
    raise AssertionError(f"{key} still running after {limit} batches")


def step_row(case: Offboarding, key: str) -> OffboardingStep:
    return OffboardingStep.objects.get(offboarding=case, key=key)


@pytest.fixture
def small_batches(settings):
    """Two prospects per batch, so a handful of records takes several batches and a cursor."""
    settings.OFFBOARDING_BATCH_SIZE = 2
