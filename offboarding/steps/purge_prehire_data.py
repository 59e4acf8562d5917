"""Step 5: the employee's own network deleted, its consent and outreach kept as minimised
evidence (RULES 19), batch by batch after the cursor."""

from audit import events
from consent.models import ConsentEvent, OutreachAttempt, RemovalReason
from consent.services import evidence_keep
from offboarding.models import (
    Offboarding,
    OffboardingStep,
    PurgedEvidence,
    StepStatus,
)
from offboarding.steps.batches import next_batch, own_network
from prospects.models import Prospect


def run(case: Offboarding, step: OffboardingStep) -> str:
    batch = next_batch(own_network(Prospect.objects.filter(owner=case.employee)), step)
    if not batch:
        return StepStatus.DONE
    prospects = {
        p["id"]: p
        for p in Prospect.objects.filter(id__in=batch).values(
            "id", "email_index", "phone_index", "profile_url_index"
        )
    }
    evidence = []
    for event in ConsentEvent.objects.filter(prospect_id__in=batch).values(
        "id", "prospect_id", "channel", "action", "evidence", "occurred_at"
    ):
        evidence.append(
            _evidence(case, prospects[event["prospect_id"]], "consent", event["id"], event)
        )
    for attempt in OutreachAttempt.objects.filter(prospect_id__in=batch).values(
        "id", "prospect_id", "channel", "decision", "created_at"
    ):
        evidence.append(
            _evidence(
                case,
                prospects[attempt["prospect_id"]],
                "outreach",
                attempt["id"],
                {
                    "channel": attempt["channel"],
                    "action": attempt["decision"],
                    "evidence": "",
                    "occurred_at": attempt["created_at"],
                },
            )
        )
    PurgedEvidence.objects.bulk_create(evidence, ignore_conflicts=True)
    # The same condition as the selection: a record moved or changed meanwhile stays.
    leaving = own_network(Prospect.objects.filter(owner=case.employee, id__in=batch))
    # The consent events and outreach themselves stay too, unlinked (RULES 19).
    evidence_keep(
        prospect_ids=leaving.values_list("id", flat=True), reason=RemovalReason.OFFBOARDING
    )
    deleted, by_model = leaving.delete()
    purged = by_model.get(Prospect._meta.label, 0)
    if purged:
        events.record(
            actor="offboarding",
            action="prospects.purged",
            obj=case,
            fields=[f"count:{purged}", f"evidence:{len(evidence)}"],
        )
    step.cursor = str(batch[-1])
    step.done += purged
    step.total = max(step.total, step.done)
    step.counts = {
        "purged": step.counts.get("purged", 0) + purged,
        "evidence_kept": PurgedEvidence.objects.filter(offboarding=case).count(),
    }
    return StepStatus.RUNNING


def _evidence(case, prospect, kind, source_id, row) -> PurgedEvidence:
    return PurgedEvidence(
        offboarding=case,
        prospect_id=prospect["id"],
        kind=kind,
        source_id=source_id,
        channel=row["channel"],
        action=row["action"],
        evidence=row["evidence"],
        occurred_at=row["occurred_at"],
        email_index=prospect["email_index"] or "",
        phone_index=prospect["phone_index"] or "",
        profile_url_index=prospect["profile_url_index"] or "",
    )
