"""Personas of a departure (the leaver, the successor, HR, the DPO) and their prospects."""

import datetime
import time

import pytest
from django.utils import timezone

from offboarding import services
from offboarding.models import Offboarding, OffboardingStep
from people.models import Employee, paris_today
from prospects.models import Prospect
from tests.factories import EmployeeFactory, ProspectFactory, SocialAccountFactory

HIRE_DATE = datetime.date(2024, 3, 1)
BEFORE_HIRE = timezone.make_aware(datetime.datetime(2023, 6, 1, 12, 0))
DURING_EMPLOYMENT = timezone.make_aware(datetime.datetime(2025, 2, 1, 12, 0))


@pytest.fixture
def leaver(db):
    return EmployeeFactory(role="rep", hire_date=HIRE_DATE, compliant=True)


@pytest.fixture
def successor(db):
    return EmployeeFactory(role="rep", compliant=True)


@pytest.fixture
def account(leaver):
    return SocialAccountFactory(employee=leaver)


def make_prospects(owner, *, provenance: str, contributed: bool = False, n: int = 1, **extra):
    collected_at = BEFORE_HIRE if provenance == "pre_hire" else DURING_EMPLOYMENT
    return [
        ProspectFactory(
            owner=owner,
            provenance=provenance,
            contributed=contributed,
            collected_at=collected_at,
            **extra,
        )
        for _ in range(n)
    ]


@pytest.fixture
def book(leaver, account):
    """The leaver's prospects, one group per fate."""
    return {
        "employment": make_prospects(leaver, provenance="employment", n=3, social_account=account),
        "company": make_prospects(leaver, provenance="company", n=2),
        "contributed": make_prospects(leaver, provenance="pre_hire", contributed=True, n=2),
        "own_network": make_prospects(
            leaver, provenance="pre_hire", n=3, email=None, social_account=account
        ),
    }


def departure_in(days: int) -> datetime.date:
    """A departure date relative to today (Paris): a fixed one would pass and end the test."""
    return paris_today() + datetime.timedelta(days=days)


@pytest.fixture
def open_case(leaver, successor, hr):
    return services.offboarding_create(
        actor=hr.user,
        employee=leaver,
        departure_date=departure_in(30),
        successor=successor,
    )


def the_departure_day_comes(case: Offboarding) -> None:
    """Move the case's departure date to today (Paris), as if the days had passed.

    The attestation deadline moves with it, as ``offboarding_create`` computed it.
    """
    today = paris_today()
    Offboarding.objects.filter(pk=case.pk).update(
        departure_date=today,
        attestation_deadline=today + datetime.timedelta(days=services.attestation_days()),
    )
    Employee.objects.filter(pk=case.employee_id).update(departure_date=today)
    case.refresh_from_db()


def step_status(case: Offboarding, key: str) -> str:
    return OffboardingStep.objects.values_list("status", flat=True).get(offboarding=case, key=key)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.1):
    """Poll until ``predicate()`` is true (the worker runs in another thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")


def case_status(case: Offboarding) -> str:
    return Offboarding.objects.values_list("status", flat=True).get(pk=case.pk)


def listed_ids(case: Offboarding) -> list[str]:
    """The prospect ids on the case's attestation list, as the API takes them."""
    return [str(i) for i in case.attestation_items.values_list("prospect_id", flat=True)]


def owners(prospects) -> set:
    return set(
        Prospect.objects.filter(pk__in=[p.pk for p in prospects]).values_list("owner_id", flat=True)
    )
