"""Step 2: count what the employee holds, by fate, and list what they must attest removing."""

from django.db.models import Count

from consent.models import ConsentEvent, OutreachAttempt
from offboarding.models import (
    AttestationItem,
    Offboarding,
    OffboardingStep,
    StepKey,
    StepStatus,
)
from offboarding.steps.batches import keep
from prospects.models import Prospect, ProspectUserObjectPermission, Provenance


def run(case: Offboarding, step: OffboardingStep) -> str:
    employee = case.employee
    prospects = Prospect.objects.filter(owner=employee)
    by_kind = {
        (row["provenance"], row["contributed"]): row["n"]
        for row in prospects.values("provenance", "contributed").annotate(n=Count("id"))
    }
    by_provenance = {value: 0 for value in Provenance.values}
    for (provenance, _contributed), n in by_kind.items():
        by_provenance[provenance] += n
    contributed = by_kind.get((Provenance.PRE_HIRE, True), 0)
    own_network = by_kind.get((Provenance.PRE_HIRE, False), 0)
    to_transfer = sum(by_provenance.values()) - own_network
    shares_given = ProspectUserObjectPermission.objects.filter(
        content_object__owner=employee
    ).count()
    shares_received = ProspectUserObjectPermission.objects.filter(user=employee.user).count()
    _list_attestation_items(case)
    step.counts = {
        "prospects": sum(by_provenance.values()),
        "by_provenance": by_provenance,
        "pre_hire_contributed": contributed,
        "pre_hire_not_contributed": own_network,
        "to_transfer": to_transfer,
        "consents_logged": ConsentEvent.objects.filter(captured_by=employee).count(),
        "outreach_logged": OutreachAttempt.objects.filter(employee=employee).count(),
        "social_accounts": employee.social_accounts.count(),
        "shares_given": shares_given,
        "shares_received": shares_received,
        "attestation_items": case.attestation_items.count(),
    }
    step.done = step.total = 1
    totals = {
        StepKey.TRANSFER_DATA: to_transfer,
        StepKey.RETURN_PREHIRE_DATA: own_network,
        StepKey.PURGE_PREHIRE_DATA: own_network,
        StepKey.PERSONAL_ACCOUNT_ATTESTATION: step.counts["attestation_items"],
        StepKey.REVOKE_ACCESS: shares_received + 1,
    }
    for key, total in totals.items():
        OffboardingStep.objects.filter(offboarding=case, key=key, status=StepStatus.PENDING).update(
            total=total
        )
    return StepStatus.DONE


def _list_attestation_items(case: Offboarding) -> None:
    """Company prospects the employee reached through a personal account: the attestation list.

    Found through one of their social accounts, or contacted from one; the
    non-contributed network is not listed (it is theirs to keep).
    """
    employee = case.employee
    kept = keep(Prospect.objects.filter(owner=employee))
    found = kept.filter(social_account__employee=employee).values_list("id", "social_account_id")
    contacted = (
        OutreachAttempt.objects.filter(
            employee=employee,
            social_account__isnull=False,
            prospect__in=kept,
        )
        .values_list("prospect_id", "social_account_id")
        .distinct()
    )
    items = {}
    for prospect_id, account_id in [*found, *contacted]:
        items.setdefault(prospect_id, account_id)
    AttestationItem.objects.bulk_create(
        (
            AttestationItem(offboarding=case, prospect_id=pid, social_account_id=aid)
            for pid, aid in items.items()
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )
