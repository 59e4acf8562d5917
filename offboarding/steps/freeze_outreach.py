"""Step 1: the employee can no longer log outreach; their status becomes "offboarding"."""

from offboarding.models import (
    Offboarding,
    OffboardingStep,
    StepStatus,
)
from people import services as people_services
from people.models import EmployeeStatus


def run(case: Offboarding, step: OffboardingStep) -> str:
    employee = case.employee
    if employee.status == EmployeeStatus.ACTIVE:
        people_services.employee_freeze(
            actor="offboarding", employee=employee, departure_date=case.departure_date
        )
    step.done = step.total = 1
    step.counts = {"status": EmployeeStatus.OFFBOARDING}
    return StepStatus.DONE
