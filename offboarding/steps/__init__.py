"""The offboarding checklist's steps, in the order they run: one module per step.

Each module's ``run(case, step)`` does one batch of its step (or all of a small one) and
returns the step's status: ``running`` (more batches to go: the cursor and counts moved
in the same transaction), ``waiting`` (on a person or a date) or ``done``.
``offboarding.services.step_run`` calls it in a loop, one transaction per batch.
"""

from offboarding.models import StepKey
from offboarding.steps import (
    final_report,
    freeze_outreach,
    inventory,
    personal_account_attestation,
    purge_prehire_data,
    return_prehire_data,
    revoke_access,
    transfer_data,
)

STEPS = {
    StepKey.FREEZE_OUTREACH: freeze_outreach.run,
    StepKey.INVENTORY: inventory.run,
    StepKey.TRANSFER_DATA: transfer_data.run,
    StepKey.RETURN_PREHIRE_DATA: return_prehire_data.run,
    StepKey.PURGE_PREHIRE_DATA: purge_prehire_data.run,
    StepKey.PERSONAL_ACCOUNT_ATTESTATION: personal_account_attestation.run,
    StepKey.REVOKE_ACCESS: revoke_access.run,
    StepKey.FINAL_REPORT: final_report.run,
}
