"""Reads on offboarding cases."""

import datetime

from django.db.models import QuerySet
from django.http import Http404

from offboarding.models import CaseStatus, Offboarding, OffboardingStep
from people.models import Employee, Role
from people.selectors import active_employees, employee_of, has_role
from prospects.models import Prospect


def offboardings_in_progress_count() -> int:
    """Cases started or waiting and not yet done (one query; the dashboard reads it)."""
    return Offboarding.objects.exclude(status=CaseStatus.DONE).count()


def offboardings_visible_to(user) -> QuerySet[Offboarding]:
    """HR, the DPO and admins see every case; the departing employee sees their own."""
    cases = Offboarding.objects.select_related("employee__user", "successor__user")
    if has_role(user, Role.HR, Role.DPO, Role.ADMIN):
        return cases
    me = employee_of(user)
    if me is None:
        return cases.none()
    return cases.filter(employee=me)


def offboarding_get(*, user, pk) -> Offboarding:
    try:
        return offboardings_visible_to(user).get(pk=pk)
    except (Offboarding.DoesNotExist, ValueError):
        raise Http404 from None


def open_case_of(employee) -> Offboarding | None:
    """The employee's case not yet done, if any (the login restriction reads it)."""
    return (
        Offboarding.objects.filter(employee=employee)
        .exclude(status=CaseStatus.DONE)
        .order_by("-created_at")
        .first()
    )


def attestation_case_of(employee, *, today: datetime.date) -> Offboarding | None:
    """The leaver's case whose attestation page is still theirs (API.md v2).

    Any status, done included: the page and the own-network export stay open until
    the attestation deadline, after attesting too, as the page promises.
    """
    return (
        Offboarding.objects.filter(employee=employee, attestation_deadline__gte=today)
        .order_by("-created_at", "-id")
        .first()
    )


def steps_of(offboarding: Offboarding) -> list[OffboardingStep]:
    return list(offboarding.steps.order_by("position"))


def attestation_list(*, offboarding: Offboarding, with_names: bool) -> list[dict]:
    """The company prospects to attest: ids for everyone, names for the employee alone.

    ``with_names`` is for the departing employee: they must know which contacts to
    remove from their personal accounts. Nobody else gets a value from here.
    """
    items = list(offboarding.attestation_items.order_by("id"))
    names = {}
    if with_names:
        prospects = Prospect.objects.filter(id__in=[i.prospect_id for i in items]).only(
            "id", "full_name", "network", "profile_url", "company"
        )
        names = {p.pk: p for p in prospects}
    rows = []
    for item in items:
        row = {
            # The prospect's id twice: ``id`` as any listed object, ``prospect`` as before.
            "id": item.prospect_id,
            "prospect": item.prospect_id,
            "social_account": item.social_account_id,
            "attested_at": item.attested_at,
        }
        prospect = names.get(item.prospect_id)
        if prospect is not None:
            row.update(
                full_name=prospect.full_name,
                company=prospect.company,
                network=prospect.network,
                profile_url=prospect.profile_url or "",
            )
        rows.append(row)
    return rows


def successors_for(employee) -> QuerySet[Employee]:
    """Who may take over: active reps and managers other than the employee."""
    return (
        active_employees()
        .select_related("user")
        .filter(role__in=(Role.REP, Role.MANAGER))
        .exclude(pk=employee.pk)
    )
