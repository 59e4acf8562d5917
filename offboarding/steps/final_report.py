"""Step 8: the report of what moved, was returned, purged and attested: counts and ids only."""

from django.utils import timezone

from offboarding.models import (
    Offboarding,
    OffboardingStep,
    StepKey,
    StepStatus,
)


def run(case: Offboarding, step: OffboardingStep) -> str:
    Offboarding.objects.filter(pk=case.pk).update(report=build_report(case))
    step.done = step.total = 1
    return StepStatus.DONE


def build_report(case: Offboarding) -> dict:
    """What moved, was returned, purged and attested, by whom and when: counts and ids only."""
    steps = {step.key: step for step in case.steps.all()}

    def at(step):
        return step.finished_at.isoformat() if step.finished_at else None

    attestations = [
        {
            "id": a.pk,
            "by": a.attested_by.get_username() if a.attested_by else None,
            "signed_document": a.signed_document,
            "prospects": len(a.prospect_ids),
            "at": a.created_at.isoformat(),
        }
        for a in case.attestations.select_related("attested_by")
    ]
    return {
        "employee": case.employee_id,
        "successor": case.successor_id,
        "departure_date": case.departure_date.isoformat(),
        "started_by": case.created_by.get_username() if case.created_by else None,
        "started_at": case.started_at.isoformat() if case.started_at else None,
        "inventory": steps[StepKey.INVENTORY].counts,
        "transferred": {
            "prospects": steps[StepKey.TRANSFER_DATA].counts.get("moved", 0),
            "to": case.successor_id,
            "at": at(steps[StepKey.TRANSFER_DATA]),
        },
        "returned": {
            "contacts": steps[StepKey.RETURN_PREHIRE_DATA].counts.get("exported", 0),
            "employment_values_dropped": steps[StepKey.RETURN_PREHIRE_DATA].counts.get(
                "employment_values_dropped", 0
            ),
            "available_until": case.export_available_until.isoformat()
            if case.export_available_until
            else None,
            "downloads": case.export_downloads.count(),
            "at": at(steps[StepKey.RETURN_PREHIRE_DATA]),
        },
        "purged": {
            "prospects": steps[StepKey.PURGE_PREHIRE_DATA].counts.get("purged", 0),
            "evidence_kept": steps[StepKey.PURGE_PREHIRE_DATA].counts.get("evidence_kept", 0),
            "at": at(steps[StepKey.PURGE_PREHIRE_DATA]),
        },
        "attested": {
            "prospects": case.attestation_items.filter(attested_at__isnull=False).count(),
            "listed": case.attestation_items.count(),
            "attestations": attestations,
            "at": at(steps[StepKey.PERSONAL_ACCOUNT_ATTESTATION]),
        },
        "access_revoked": {
            **steps[StepKey.REVOKE_ACCESS].counts,
            "at": at(steps[StepKey.REVOKE_ACCESS]),
        },
        "generated_at": timezone.now().isoformat(),
    }
