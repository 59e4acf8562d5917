"""Step 6: waits until the employee (or HR, naming the signed document) attests removing the
listed prospects from their personal accounts (``services.attestation_record``)."""

from offboarding.models import (
    Offboarding,
    OffboardingStep,
    StepStatus,
)


def run(case: Offboarding, step: OffboardingStep) -> str:
    items = case.attestation_items
    step.total = items.count()
    step.done = items.filter(attested_at__isnull=False).count()
    return StepStatus.DONE if step.done >= step.total else StepStatus.WAITING
