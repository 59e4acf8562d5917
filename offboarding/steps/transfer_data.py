"""Step 3: the prospects that stay at the company go to the successor, with their shares and
open follow-ups, in batches of ``TRANSFER_BATCH_SIZE``."""

from django.db.models import F

from core.lookups import AnyOf
from offboarding.models import (
    Offboarding,
    OffboardingStep,
    StepStatus,
)
from offboarding.steps.batches import batch_size, keep
from prospects import followups
from prospects import services as prospect_services
from prospects.models import Prospect


def run(case: Offboarding, step: OffboardingStep) -> str:
    # Any batch of the rows still the employee's that stay at the company, in no order: a
    # moved row no longer matches, so a rerun or a resumed job starts where the data is, and
    # the read stops after one batch instead of sorting everything left (1M-row table).
    ids = list(
        keep(Prospect.objects.filter(owner=case.employee))
        .order_by()
        .values_list("id", flat=True)[: batch_size(step.key)]
    )
    if not ids:
        # Follow-ups they planned on colleagues' prospects (a manager's on the team's) go to
        # the successor too; those on their own network go with it at the purge.
        followups.follow_ups_transfer(
            from_owner=case.employee,
            to_owner=case.successor,
            prospects=Prospect.objects.exclude(owner=case.employee),
        )
        step.counts = {**step.counts, "successor": case.successor_id}
        return StepStatus.DONE
    # The ids as one array parameter on PostgreSQL (``AnyOf``): thousands of literals in an
    # IN list cost more to build and to parse than the rows take to move, and the list
    # appears twice (shares, owners). Elsewhere a plain IN.
    batch = Prospect.objects.filter(AnyOf(F("id"), ids))
    moved = prospect_services.prospects_transfer(
        actor="offboarding", from_owner=case.employee, to_owner=case.successor, prospects=batch
    )
    step.done += moved
    step.total = max(step.total, step.done)
    step.counts = {**step.counts, "moved": step.counts.get("moved", 0) + moved}
    return StepStatus.RUNNING
