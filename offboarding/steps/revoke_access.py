"""Step 7: on the departure date, shares removed in batches, tokens revoked, employee departed."""

from offboarding.models import (
    Offboarding,
    OffboardingStep,
    StepStatus,
)
from offboarding.steps.batches import batch_size
from people import services as people_services
from people.models import EmployeeStatus, paris_today
from prospects.models import ProspectUserObjectPermission


def run(case: Offboarding, step: OffboardingStep) -> str:
    """Remove the leaver's shares and tokens, and mark them departed, on the departure date.

    Before that day the step waits: starting the case early moves the prospects but
    leaves the employee their access until the date they leave (issue 15). From that
    day ``people.auth`` and the middleware refuse them anyway; the hourly
    ``departures_due_apply`` then resumes this step.
    """
    if case.departure_date > paris_today():
        step.counts = {**step.counts, "access_ends_on": case.departure_date.isoformat()}
        return StepStatus.WAITING
    user = case.employee.user
    share_ids = list(
        ProspectUserObjectPermission.objects.filter(user=user).values_list("id", flat=True)[
            : batch_size()
        ]
    )
    if share_ids:
        removed, _ = ProspectUserObjectPermission.objects.filter(
            user=user, id__in=share_ids
        ).delete()
        step.done += removed
        step.total = max(step.total, step.done + 1)
        step.counts = {
            **step.counts,
            "shares_removed": step.counts.get("shares_removed", 0) + removed,
        }
        return StepStatus.RUNNING
    if case.employee.status != EmployeeStatus.DEPARTED:
        # The login stays, confined to the attestation page and the export, until the
        # deadline; ``departures_due_apply`` closes it after that day.
        people_services.employee_depart(
            actor="offboarding",
            employee=case.employee,
            keep_login_until=case.attestation_deadline,
        )
    step.done = step.total = max(step.total, step.done + 1)
    step.counts = {
        **step.counts,
        "shares_removed": step.counts.get("shares_removed", 0),
        "user_deactivated": not user.is_active,
        "login_confined_until": None
        if not user.is_active
        else case.attestation_deadline.isoformat(),
        "tokens_revoked": True,
        "sessions_revoked": not user.is_active,
    }
    return StepStatus.DONE
